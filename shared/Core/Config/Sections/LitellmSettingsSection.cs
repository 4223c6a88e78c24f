using Gateway.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary>What <c>litellm_settings</c> sets for the whole gateway; deployments' own settings win over the defaults.</summary>
internal sealed record LitellmSettings
{
    /// <summary><c>request_timeout</c>: the timeout of deployments that set none.</summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary><c>num_retries</c>: the retries of deployments that set no <c>max_retries</c>.</summary>
    public int? NumRetries { get; init; }

    /// <summary><c>drop_params</c>: deployments leave out what their provider cannot take, unless they say otherwise.</summary>
    public bool DropParams { get; init; }

    /// <summary><c>json_logs</c>: the log is one JSON object per line.</summary>
    public bool JsonLogs { get; init; }

    /// <summary><c>max_end_user_budget</c>: the budget (USD) of every end user without one of their own.</summary>
    public decimal? MaxEndUserBudget { get; init; }
}

/// <summary>
/// <c>litellm_settings</c>: <c>request_timeout</c>, <c>num_retries</c> and <c>drop_params</c> as defaults for every
/// deployment, <c>json_logs</c>, and <c>model_group_settings.forward_client_headers_to_llm_api</c>, the model groups
/// whose calls may carry the client's <c>anthropic-beta</c> header upstream (it switches on paid features, so it is off
/// by default). Callbacks and the proxy-wide budget are accepted and named in a warning; other keys are warned about.
/// </summary>
internal sealed class LitellmSettingsSection(YamlFields fields, ConfigDiagnostics report)
{
    private const string Section = "litellm_settings";
    private const string ForwardHeaders = "forward_client_headers_to_llm_api";
    private const string ForwardHeadersPath = Section + ".model_group_settings." + ForwardHeaders;
    private static readonly string[] Callbacks = ["callbacks", "success_callback", "failure_callback", "service_callback"];
    private static readonly string[] ProxyBudget = ["max_budget", "budget_duration"];

    private static readonly HashSet<string> Known =
        ["model_group_settings", "cache", "cache_params", "request_timeout", "num_retries", "drop_params", "json_logs", "modify_params", "max_end_user_budget", .. Callbacks, .. ProxyBudget];

    /// <summary>The gateway-wide settings; read before <c>model_list</c>, whose entries take them as defaults.</summary>
    public LitellmSettings Read(YamlMappingNode root)
    {
        if (YamlFields.Child(root, Section) is not YamlMappingNode litellm) return new LitellmSettings();
        report.IgnoredKeys(Section, litellm.Children.Keys.Select(k => k.ToString()).Where(k => !Known.Contains(k)).ToList());
        WarnAccepted(litellm);
        var timeout = fields.OptionalNumber(litellm, "request_timeout", $"{Section}.request_timeout", min: 0.001, max: LitellmParamsSection.MaxTimeoutSeconds);
        var retries = fields.OptionalNumber(litellm, "num_retries", $"{Section}.num_retries", min: 0, max: 10, integer: true);
        return new LitellmSettings
        {
            RequestTimeout = timeout is { } t ? TimeSpan.FromSeconds(t) : null,
            NumRetries = (int?)retries,
            DropParams = fields.OptionalBool(litellm, "drop_params", $"{Section}.drop_params") ?? false,
            JsonLogs = fields.OptionalBool(litellm, "json_logs", $"{Section}.json_logs") ?? false,
            MaxEndUserBudget = (decimal?)fields.OptionalNumber(litellm, "max_end_user_budget", $"{Section}.max_end_user_budget", 0),
        };
    }

    /// <summary>Settings kept for work that has not landed, each named in one warning that says what happens meanwhile.</summary>
    private void WarnAccepted(YamlMappingNode litellm)
    {
        var callbacks = Callbacks.Where(k => YamlFields.Child(litellm, k) is { } n && !YamlValues.IsNull(n))
            .Select(k => $"{k}: {Describe(YamlFields.Child(litellm, k)!)}").ToList();
        if (callbacks.Count > 0)
            report.Warning($"{Section}: callbacks are not sent anywhere yet ({string.Join("; ", callbacks)}); every call's spend event is still recorded (see /spend/logs)");
        var budget = ProxyBudget.Where(k => YamlFields.Child(litellm, k) is { } n && !YamlValues.IsNull(n)).ToList();
        if (budget.Count > 0)
            report.Warning($"{Section}.{string.Join(" + ", budget)}: a proxy-wide budget is not enforced yet; set max_budget on keys, teams or users instead");
        if (fields.OptionalBool(litellm, "modify_params", $"{Section}.modify_params") == true)
            report.Warning(YamlFields.Child(litellm, "modify_params")!, $"{Section}.modify_params: the translators always merge consecutive same-role turns and send a system-only prompt as a user turn; LiteLLM's other rewrites (placeholder messages, emptied content) are not made");
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode seq => string.Join(", ", seq.Children.Select(c => c.ToString())),
        _ => node.ToString(),
    };

    /// <summary><c>cache</c> and <c>cache_params</c>: read after <c>model_list</c>, whose names <c>caching_groups</c> refers to.</summary>
    public Caching.CacheSettings ReadCache(YamlMappingNode root, IReadOnlyCollection<string> groups) =>
        YamlFields.Child(root, Section) is YamlMappingNode litellm ? new CacheParamsSection(fields, report).Read(litellm, groups) : Caching.CacheSettings.Off;

    /// <summary><c>model_group_settings</c>: read after <c>model_list</c>, whose names it refers to.</summary>
    public List<DeploymentConfig> ReadGroupSettings(YamlMappingNode root, List<DeploymentConfig> deployments)
    {
        if (YamlFields.Child(root, Section) is not YamlMappingNode litellm) return deployments;
        if (YamlFields.Child(litellm, "model_group_settings") is not YamlMappingNode groups) return deployments;
        report.IgnoredKeys($"{Section}.model_group_settings", groups.Children.Keys.Select(k => k.ToString()).Where(k => k != ForwardHeaders).ToList());
        if (YamlFields.Child(groups, ForwardHeaders) is not { } node || YamlValues.IsNull(node)) return deployments;
        if (node is not YamlSequenceNode list)
        {
            report.Problem(node, $"{ForwardHeadersPath}: must be a list of model group names");
            return deployments;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Children)
        {
            var name = item is YamlScalarNode sc ? sc.Value : null;
            if (string.IsNullOrEmpty(name)) report.Problem(item, $"{ForwardHeadersPath}: each entry must be a model group name");
            else if (deployments.All(d => d.ModelName != name)) report.Problem(item, $"{ForwardHeadersPath}: '{name}' is not a model_name in model_list");
            else names.Add(name);
        }
        return deployments.Select(d => names.Contains(d.ModelName) ? d.WithForwardedClientHeaders() : d).ToList();
    }
}
