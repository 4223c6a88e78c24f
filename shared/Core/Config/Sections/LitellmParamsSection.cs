using System.Text.Json.Nodes;
using Gateway.Config.Yaml;
using Gateway.Pricing;
using Gateway.Providers;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary>
/// One entry's <c>litellm_params</c>: the <c>&lt;provider&gt;/&lt;model&gt;</c> route, then the settings every
/// provider shares. What differs by provider (its own keys, api_base and api_version sources, required settings) is
/// asked of the provider's <see cref="IProviderConfigRules"/>.
/// </summary>
internal sealed class LitellmParamsSection(YamlFields fields, ConfigDiagnostics report, ConfigEnvironment env, LitellmSettings global)
{
    /// <summary>One day: longer than any platform lets a function run.</summary>
    public const double MaxTimeoutSeconds = 86_400;

    private static readonly HashSet<string> SharedKeys =
    [
        "model", "api_base", "api_key", "api_version", "timeout", "stream_timeout", "max_retries", "rpm", "tpm", "weight", "order",
        "organization", "azure_ad_token", "mock_response", "extra_headers", "headers", "additional_drop_params", "drop_params", "safety_settings", "tags",
    ];

    /// <summary>
    /// The deployment, or null when the route is unusable or the entry has no name. <paramref name="readModelInfo"/>
    /// runs after the numeric settings and before the pass-through strings, which are read only for a named entry:
    /// the order (and set) of problems a file gets stays as it always was.
    /// </summary>
    public DeploymentConfig? Read(YamlMappingNode p, string f, int index, string? modelName, Func<JsonObject> readModelInfo)
    {
        if (ReadRoute(p, f) is not (var prefix, var upstreamModel, var provider)) return null;

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var prices = new LitellmParamsPrices(fields, report);
        var requestParams = new RequestParamsReader(fields, report);
        foreach (var (k, v) in p.Children)
        {
            if (fields.KeyName(k, f) is not { } key) continue;
            if (ProviderCatalog.SettingKeys.Contains(key))
            {
                if (fields.OptionalString(p, key, $"{f}.{key}") is { } s) settings[key] = s;
            }
            else if (key is "extra_headers" or "headers") ReadHeaders(v, headers, $"{f}.{key}");
            else if (LitellmParamsPrices.IsPriceField(key)) prices.Read(p, key, f);
            else if (RequestParamsReader.IsDefaultKey(key)) requestParams.ReadDefault(p, key, f);
            else if (!SharedKeys.Contains(key)) report.Warning(k, $"{f}.{key}: not supported; ignored");
        }

        var rules = provider.ConfigRules;
        var apiBase = fields.OptionalString(p, "api_base", $"{f}.api_base") ?? rules.ApiBaseFromEnvironment(env.Get)
            ?? provider.ApiBaseVariables.Select(env.Get).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? provider.DefaultApiBase;
        if (apiBase is not null && !(Uri.TryCreate(apiBase, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            report.Problem(YamlFields.Child(p, "api_base") ?? p, $"{f}.api_base: '{apiBase}' is not an absolute http(s) URL");
        if (apiBase is null && rules.MissingApiBaseHint is { } hint)
            report.Problem(p, $"{f}.api_base: required for provider '{prefix}'{hint}");
        foreach (var (key, cause) in rules.Check(settings, env.Get))
            report.Problem(p, $"{f}.{key}: {cause}");

        var apiKey = fields.OptionalString(p, "api_key", $"{f}.api_key") ?? (provider.ApiKeyVariable is { } name ? env.Get(name) : null);
        var apiVersion = fields.OptionalString(p, "api_version", $"{f}.api_version") ?? rules.ApiVersionFromEnvironment(env.Get);
        var timeout = fields.OptionalNumber(p, "timeout", $"{f}.timeout", min: 0.001, max: MaxTimeoutSeconds);
        var streamTimeout = fields.OptionalNumber(p, "stream_timeout", $"{f}.stream_timeout", min: 0.001, max: MaxTimeoutSeconds);
        var maxRetries = fields.OptionalNumber(p, "max_retries", $"{f}.max_retries", min: 0, integer: true, max: 10);
        var rpm = fields.OptionalNumber(p, "rpm", $"{f}.rpm", min: 1, integer: true, max: int.MaxValue);
        var tpm = fields.OptionalNumber(p, "tpm", $"{f}.tpm", min: 1, integer: true, max: int.MaxValue);
        var weight = fields.OptionalNumber(p, "weight", $"{f}.weight", min: 0.000001, max: 1e9);
        var order = fields.OptionalNumber(p, "order", $"{f}.order", min: 1, max: int.MaxValue, integer: true);
        var defaults = requestParams.Defaults(p, f);
        var drops = requestParams.DropList(p, f);
        var dropUnsupported = fields.OptionalBool(p, "drop_params", $"{f}.drop_params");
        var safety = ReadSafetySettings(p, f);
        var tags = ReadTags(p, f);
        var info = readModelInfo();
        prices.ApplyTo(info, f);

        if (modelName is null) return null;
        return new DeploymentConfig
        {
            Index = index,
            ModelName = modelName,
            Provider = prefix,
            UpstreamModel = upstreamModel,
            ApiBase = apiBase?.TrimEnd('/'),
            ApiKey = apiKey,
            ApiVersion = apiVersion,
            Organization = fields.OptionalString(p, "organization", $"{f}.organization"),
            AzureAdToken = fields.OptionalString(p, "azure_ad_token", $"{f}.azure_ad_token"),
            MockResponse = fields.OptionalString(p, "mock_response", $"{f}.mock_response"),
            Timeout = timeout is { } t ? TimeSpan.FromSeconds(t) : global.RequestTimeout ?? DeploymentConfig.DefaultTimeout,
            MaxRetries = (int)(maxRetries ?? global.NumRetries ?? 0),
            Rpm = (int?)rpm,
            Tpm = (int?)tpm,
            StreamTimeout = streamTimeout is { } st ? TimeSpan.FromSeconds(st) : null,
            Weight = weight,
            Order = (int?)order,
            ExtraHeaders = headers,
            ProviderSettings = settings,
            ModelInfo = info,
            DefaultParams = defaults,
            SafetySettings = safety,
            DropParams = drops,
            DropUnsupportedParams = dropUnsupported ?? global.DropParams,
            Tags = tags,
        };
    }

    /// <summary><c>tags</c>: the tags this deployment serves under tag routing (<c>router_settings.enable_tag_filtering</c>).</summary>
    private IReadOnlyList<string> ReadTags(YamlMappingNode p, string f)
    {
        if (YamlFields.Child(p, "tags") is not { } node || YamlValues.IsNull(node)) return [];
        if (node is not YamlSequenceNode list || list.Children.Any(c => c is not YamlScalarNode { Value.Length: > 0 }))
        {
            report.Problem(node, $"{f}.tags: must be a list of tag names");
            return [];
        }
        return list.Children.Select(c => ((YamlScalarNode)c).Value!).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// <c>model: &lt;provider&gt;/&lt;model&gt;</c> split, with the provider looked up in the catalog. A bare name (or a
    /// Bedrock ARN, whose own slashes are no prefix) gets its provider inferred, and the report says so.
    /// </summary>
    private (string Prefix, string UpstreamModel, ProviderInfo Provider)? ReadRoute(YamlMappingNode p, string f)
    {
        var model = fields.OptionalString(p, "model", $"{f}.model");
        if (model is null)
        {
            if (YamlFields.Child(p, "model") is null) report.Problem(p, $"{f}.model: missing; write it as '<provider>/<model>', e.g. 'openai/gpt-4o-mini'");
            return null;
        }
        var node = YamlFields.Child(p, "model")!;
        var slash = model.IndexOf('/');
        if (slash < 0 || ProviderInference.IsBedrockArn(model))
        {
            if (ProviderInference.TryInfer(model, PriceTable.Default, out var inferred, out var why) && ProviderCatalog.TryGet(inferred, out var info))
            {
                report.Note(node, $"{f}.model: '{model}' has no provider prefix; inferred '{inferred}/{model}' ({why})");
                return (inferred, model, info);
            }
            report.Problem(node, $"{f}.model: '{model}' needs a provider prefix (none could be inferred from its name), as '<provider>/<model>' with a provider from: {KnownProviders}");
            return null;
        }
        if (slash == 0 || slash == model.Length - 1)
        {
            report.Problem(node, $"{f}.model: '{model}' needs a provider prefix, as '<provider>/<model>' with a provider from: {KnownProviders}");
            return null;
        }
        var prefix = model[..slash];
        if (!ProviderCatalog.TryGet(prefix, out var provider))
        {
            report.Problem(node, $"{f}.model: provider '{prefix}' is not supported; use one of: {KnownProviders}");
            return null;
        }
        return (prefix, model[(slash + 1)..], provider);
    }

    /// <summary>Gemini's <c>safety_settings</c>: a list of <c>{category, threshold}</c>, sent as <c>safetySettings</c>.</summary>
    private JsonArray? ReadSafetySettings(YamlMappingNode p, string f)
    {
        if (YamlFields.Child(p, "safety_settings") is not { } node || YamlValues.IsNull(node)) return null;
        if (fields.Json(node, $"{f}.safety_settings") is JsonArray list
            && list.All(s => s is JsonObject o && o["category"] is JsonValue && o["threshold"] is JsonValue))
            return list;
        report.Problem(node, $"{f}.safety_settings: must be a list of {{category, threshold}} entries, e.g. [{{category: HARM_CATEGORY_HARASSMENT, threshold: BLOCK_NONE}}]");
        return null;
    }

    private static string KnownProviders => string.Join(", ", ProviderCatalog.Prefixes);

    private void ReadHeaders(YamlNode node, Dictionary<string, string> into, string field)
    {
        if (node is not YamlMappingNode map)
        {
            report.Problem(node, $"{field}: must be a mapping of header name to value");
            return;
        }
        foreach (var (k, _) in map.Children)
        {
            if (fields.KeyName(k, field) is not { } name) continue;
            if (fields.OptionalString(map, name, $"{field}.{name}") is not { } value) continue;
            if (ReservedHeaders.Reason(name) is { } reason) report.Warning(k, $"{field}.{name}: not sent; {reason}");
            else into[name] = value;
        }
    }
}
