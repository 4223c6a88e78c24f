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

    /// <summary><c>max_budget</c> (USD): one budget across every call the gateway serves; null: none.</summary>
    public decimal? MaxBudget { get; init; }

    /// <summary><c>budget_duration</c>: when the proxy-wide budget resets (<c>30d</c>, <c>1mo</c>); null: never.</summary>
    public string? BudgetDuration { get; init; }

    /// <summary><c>budget_enforcement</c>: how budgets bind calls whose key and team set none.</summary>
    public Limits.BudgetEnforcement BudgetEnforcement { get; init; }
}

/// <summary>
/// <c>litellm_settings</c>: <c>request_timeout</c>, <c>num_retries</c> and <c>drop_params</c> as defaults for every
/// deployment, <c>json_logs</c>, and <c>model_group_settings.forward_client_headers_to_llm_api</c>, the model groups
/// whose calls may carry the client's <c>anthropic-beta</c> header upstream (it switches on paid features, so it is off
/// by default), the proxy-wide <c>max_budget</c> + <c>budget_duration</c> and <c>budget_enforcement</c>. Callbacks are
/// accepted and named in a warning; other keys are warned about.
/// </summary>
internal sealed class LitellmSettingsSection(YamlFields fields, ConfigDiagnostics report)
{
    private const string Section = "litellm_settings";
    private const string ForwardHeaders = "forward_client_headers_to_llm_api";
    private const string ForwardHeadersPath = Section + ".model_group_settings." + ForwardHeaders;
    private static readonly string[] Callbacks = ["callbacks", "success_callback", "failure_callback", "service_callback"];
    private static readonly string[] ProxyBudget = ["max_budget", "budget_duration"];

    private static readonly HashSet<string> Known =
        ["model_group_settings", "cache", "cache_params", "request_timeout", "num_retries", "drop_params", "json_logs", "modify_params", "max_end_user_budget",
         "budget_enforcement", .. Callbacks, .. ProxyBudget, .. RouterSettingsSection.FromLitellmSettings];

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
            MaxBudget = (decimal?)fields.OptionalNumber(litellm, "max_budget", $"{Section}.max_budget", 0),
            BudgetDuration = Duration(litellm),
            BudgetEnforcement = Enforcement(litellm),
        };
    }

    private string? Duration(YamlMappingNode litellm)
    {
        if (fields.OptionalString(litellm, "budget_duration", $"{Section}.budget_duration") is not { } text) return null;
        if (Limits.Period.TryParse(text, out _)) return text;
        report.Problem(YamlFields.Child(litellm, "budget_duration")!, $"{Section}.budget_duration: '{text}' is not a duration; use a number and s, m, h, d, w or mo (e.g. 30d, 1mo)");
        return null;
    }

    private Limits.BudgetEnforcement Enforcement(YamlMappingNode litellm)
    {
        if (fields.OptionalString(litellm, "budget_enforcement", $"{Section}.budget_enforcement") is not { } text) return default;
        if (Limits.BudgetEnforcements.TryParse(text, out var mode)) return mode;
        report.Problem(YamlFields.Child(litellm, "budget_enforcement")!, $"{Section}.budget_enforcement: '{text}' must be one of {string.Join(", ", Limits.BudgetEnforcements.Names)}");
        return default;
    }

    /// <summary>Settings kept for work that has not landed, each named in one warning that says what happens meanwhile.</summary>
    private void WarnAccepted(YamlMappingNode litellm)
    {
        var callbacks = Callbacks.Where(k => YamlFields.Child(litellm, k) is { } n && !YamlValues.IsNull(n))
            .Select(k => $"{k}: {Describe(YamlFields.Child(litellm, k)!)}").ToList();
        if (callbacks.Count > 0)
            report.Warning($"{Section}: callbacks are not sent anywhere yet ({string.Join("; ", callbacks)}); every call is still counted in budgets and spend rollups (/global/spend/*) and logged at /spend/logs unless general_settings.disable_spend_logs is on");
        if (YamlFields.Child(litellm, "budget_duration") is { } d && !YamlValues.IsNull(d) && YamlFields.Child(litellm, "max_budget") is null or YamlScalarNode { Value: null or "" or "null" or "~" })
            report.Warning(d, $"{Section}.budget_duration: no max_budget beside it, so there is no proxy-wide budget to reset");
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
