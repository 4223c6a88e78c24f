using System.Globalization;
using Gateway.Config.Yaml;
using Gateway.Providers;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config;

/// <summary>
/// Reads a LiteLLM-shaped <c>gateway.yaml</c>, resolves <c>os.environ/NAME</c> values and validates the whole file
/// at once, so a bad file fails start-up with every problem listed (entry, field, cause), not just the first.
/// </summary>
public sealed class GatewayConfigLoader
{
    private const string EnvPrefix = "os.environ/";

    private static readonly HashSet<string> TopLevelKeys = ["model_list", "general_settings", "litellm_settings", "router_settings", "environment_variables"];
    private static readonly HashSet<string> EntryKeys = ["model_name", "litellm_params", "model_info"];
    private static readonly HashSet<string> GeneralKeys = ["master_key", "max_request_size_mb", "max_response_size_mb", "store_prompts_in_spend_logs", "spend_logs_max_body_bytes"];

    private readonly string _source;
    private readonly Func<string, string?> _processEnv;
    private readonly Dictionary<string, string> _declaredEnv = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];
    private readonly List<string> _warnings = [];

    private GatewayConfigLoader(string source, Func<string, string?> env)
    {
        _source = source;
        _processEnv = env;
    }

    /// <summary>Loads and validates the file at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file is missing, not YAML, or invalid.</exception>
    public static GatewayConfig Load(string path, Func<string, string?>? env = null)
    {
        if (!File.Exists(path))
            throw new ConfigException(path, [$"file not found (full path: {Path.GetFullPath(path)})"]);
        return Parse(File.ReadAllText(path), path, env);
    }

    /// <summary>Parses and validates YAML text; <paramref name="source"/> names it in messages.</summary>
    public static GatewayConfig Parse(string yaml, string source, Func<string, string?>? env = null) =>
        new GatewayConfigLoader(source, env ?? Environment.GetEnvironmentVariable).Read(yaml);

    private GatewayConfig Read(string yaml)
    {
        var root = ParseRoot(yaml);
        var deployments = new List<DeploymentConfig>();
        string? masterKey = null;
        var maxBytes = GatewayConfig.DefaultMaxRequestBytes;
        var maxResponseBytes = UpstreamClient.DefaultMaxResponseBytes;
        var bodies = new Spend.BodyCapture(false, Spend.BodyCapture.DefaultMaxBytes);

        if (root is not null)
        {
            WarnUnknown(root, TopLevelKeys, "");
            ReadEnvironmentVariables(root);
            if (Child(root, "model_list") is { } list)
                deployments = ReadModelList(list);
            else
                _problems.Add("model_list: missing; list at least one model (see the commented examples in gateway.yaml)");

            if (Child(root, "general_settings") is { } g && !YamlValues.IsNull(g) && g is not YamlMappingNode)
                _problems.Add($"{At(g)}general_settings: must be a mapping (master_key, max_request_size_mb)");
            if (Child(root, "general_settings") is YamlMappingNode general)
            {
                WarnUnknown(general, GeneralKeys, "general_settings.");
                masterKey = OptionalString(general, "master_key", "general_settings.master_key");
                if (masterKey is not null && !masterKey.StartsWith("sk-", StringComparison.Ordinal))
                    _problems.Add($"{At(general)}general_settings.master_key: must start with 'sk-' (LiteLLM's rule; it keeps keys recognisable in logs and scanners)");
                if (OptionalNumber(general, "max_request_size_mb", "general_settings.max_request_size_mb", min: 0.001) is { } mb)
                    maxBytes = (long)(mb * 1024 * 1024);
                // Up to 2000 MB: a whole answer is held in one array, whose length stays under 2 GiB.
                if (OptionalNumber(general, "max_response_size_mb", "general_settings.max_response_size_mb", min: 0.001, max: 2000) is { } responseMb)
                    maxResponseBytes = (long)(responseMb * 1024 * 1024);
                if (OptionalString(general, "store_prompts_in_spend_logs", "general_settings.store_prompts_in_spend_logs") is { } store)
                {
                    if (bool.TryParse(store, out var on)) bodies = bodies with { Enabled = on };
                    else _problems.Add($"{At(Child(general, "store_prompts_in_spend_logs")!)}general_settings.store_prompts_in_spend_logs: '{store}' must be true or false");
                }
                if (OptionalNumber(general, "spend_logs_max_body_bytes", "general_settings.spend_logs_max_body_bytes", min: 1, max: 1_000_000, integer: true) is { } cap)
                    bodies = bodies with { MaxBytes = (int)cap };
            }
            if (Child(root, "litellm_settings") is YamlMappingNode litellm)
                deployments = ReadHeaderForwarding(litellm, deployments);
            if (Child(root, "router_settings") is YamlMappingNode router && router.Children.Count > 0)
                _warnings.Add($"router_settings: not supported yet; keys ignored: {string.Join(", ", router.Children.Keys.Select(k => k.ToString()))}");
        }

        if (_problems.Count > 0)
            throw new ConfigException(_source, _problems);
        return new GatewayConfig
        {
            Deployments = deployments,
            MasterKey = masterKey,
            MaxRequestBytes = maxBytes,
            MaxResponseBytes = maxResponseBytes,
            SpendBodies = bodies,
            Source = _source,
            Warnings = _warnings,
            EnvironmentVariables = _declaredEnv,
        };
    }

    /// <summary>
    /// <c>litellm_settings.model_group_settings.forward_client_headers_to_llm_api</c>: the model groups whose calls may
    /// carry the client's <c>anthropic-beta</c> header upstream (it switches on paid features, so it is off by default).
    /// </summary>
    private List<DeploymentConfig> ReadHeaderForwarding(YamlMappingNode litellm, List<DeploymentConfig> deployments)
    {
        var ignored = litellm.Children.Keys.Select(k => k.ToString()).Where(k => k != "model_group_settings").ToList();
        if (ignored.Count > 0) _warnings.Add($"litellm_settings: not supported yet; keys ignored: {string.Join(", ", ignored)}");
        if (Child(litellm, "model_group_settings") is not YamlMappingNode groups) return deployments;
        const string path = "litellm_settings.model_group_settings.forward_client_headers_to_llm_api";
        var unknown = groups.Children.Keys.Select(k => k.ToString()).Where(k => k != "forward_client_headers_to_llm_api").ToList();
        if (unknown.Count > 0) _warnings.Add($"litellm_settings.model_group_settings: not supported yet; keys ignored: {string.Join(", ", unknown)}");
        if (Child(groups, "forward_client_headers_to_llm_api") is not { } node || YamlValues.IsNull(node)) return deployments;
        if (node is not YamlSequenceNode list)
        {
            _problems.Add($"{At(node)}{path}: must be a list of model group names");
            return deployments;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Children)
        {
            var name = item is YamlScalarNode sc ? sc.Value : null;
            if (string.IsNullOrEmpty(name)) _problems.Add($"{At(item)}{path}: each entry must be a model group name");
            else if (deployments.All(d => d.ModelName != name)) _problems.Add($"{At(item)}{path}: '{name}' is not a model_name in model_list");
            else names.Add(name);
        }
        return deployments.Select(d => names.Contains(d.ModelName) ? d.WithForwardedClientHeaders() : d).ToList();
    }

    private YamlMappingNode? ParseRoot(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            _problems.Add($"line {e.Start.Line}, column {e.Start.Column}: not valid YAML: {e.InnerException?.Message ?? e.Message}");
            throw new ConfigException(_source, _problems);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way (no position) on some unterminated flow collections.
            _problems.Add("not valid YAML: the parser stopped on an unterminated '{...}' or '[...]' collection or quote; check brackets and quotes");
            throw new ConfigException(_source, _problems);
        }
        if (stream.Documents.Count == 0 || YamlValues.IsNull(stream.Documents[0].RootNode))
        {
            _problems.Add("the file is empty; it needs at least a model_list");
            return null;
        }
        if (stream.Documents[0].RootNode is YamlMappingNode root)
            return root;
        _problems.Add("the top level must be a mapping with model_list, general_settings, ...");
        return null;
    }

    /// <summary>The real environment wins over the file's <c>environment_variables</c>, as in LiteLLM.</summary>
    private string? _env(string name) => _processEnv(name) ?? _declaredEnv.GetValueOrDefault(name);

    private void ReadEnvironmentVariables(YamlMappingNode root)
    {
        // Read into an overlay, not the process: parsing stays free of side effects. The host applies them at start.
        if (Child(root, "environment_variables") is not { } node || YamlValues.IsNull(node)) return;
        if (node is not YamlMappingNode vars)
        {
            _problems.Add($"{At(node)}environment_variables: must be a mapping of NAME: value");
            return;
        }
        foreach (var (k, v) in vars.Children)
        {
            if (KeyName(k, "environment_variables") is not { } name) continue;
            if (v is YamlScalarNode s) _declaredEnv[name] = s.Value ?? "";
            else _problems.Add($"{At(v)}environment_variables.{name}: must be a single value");
        }
    }

    /// <summary>A mapping key as text; YAML allows lists and mappings as keys, which no gateway setting uses.</summary>
    private string? KeyName(YamlNode key, string path)
    {
        if (key is YamlScalarNode s) return s.Value ?? "";
        _problems.Add($"{At(key)}{path}: keys must be plain names, not lists or mappings");
        return null;
    }

    private List<DeploymentConfig> ReadModelList(YamlNode node)
    {
        var result = new List<DeploymentConfig>();
        if (node is not YamlSequenceNode seq)
        {
            _problems.Add($"{At(node)}model_list: must be a list of entries with model_name and litellm_params");
            return result;
        }
        if (seq.Children.Count == 0)
            _problems.Add($"{At(node)}model_list: is empty; list at least one model");
        for (var i = 0; i < seq.Children.Count; i++)
            if (ReadEntry(seq.Children[i], i) is { } d)
                result.Add(d);
        return result;
    }

    private DeploymentConfig? ReadEntry(YamlNode node, int index)
    {
        var entry = $"model_list[{index}]";
        if (node is not YamlMappingNode map)
        {
            _problems.Add($"{At(node)}{entry}: must be a mapping with model_name and litellm_params");
            return null;
        }
        var modelName = OptionalString(map, "model_name", $"{entry}.model_name");
        if (modelName is not null) entry = $"{entry} ('{modelName}')";
        else if (Child(map, "model_name") is null) _problems.Add($"{At(map)}{entry}.model_name: missing; it is the name clients send as 'model'");
        WarnUnknown(map, EntryKeys, entry + ".");

        if (Child(map, "litellm_params") is not YamlMappingNode p)
        {
            _problems.Add($"{At(map)}{entry}.litellm_params: missing or not a mapping; it needs at least 'model: <provider>/<model>'");
            return null;
        }
        var f = $"{entry}.litellm_params";
        var model = OptionalString(p, "model", $"{f}.model");
        if (model is null)
        {
            if (Child(p, "model") is null) _problems.Add($"{At(p)}{f}.model: missing; write it as '<provider>/<model>', e.g. 'openai/gpt-4o-mini'");
            return null;
        }
        var slash = model.IndexOf('/');
        if (slash <= 0 || slash == model.Length - 1)
        {
            _problems.Add($"{At(Child(p, "model")!)}{f}.model: '{model}' needs a provider prefix, as '<provider>/<model>' with a provider from: {KnownProviders()}");
            return null;
        }
        var prefix = model[..slash];
        if (!ProviderCatalog.TryGet(prefix, out var provider))
        {
            _problems.Add($"{At(Child(p, "model")!)}{f}.model: provider '{prefix}' is not supported; use one of: {KnownProviders()}");
            return null;
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in p.Children)
        {
            if (KeyName(k, f) is not { } key) continue;
            if (ProviderCatalog.SettingKeys.Contains(key) && OptionalString(p, key, $"{f}.{key}") is { } s) settings[key] = s;
            else if (key == "extra_headers") ReadHeaders(v, headers, $"{f}.extra_headers");
            else if (!KnownParams.Contains(key)) _warnings.Add($"{At(k)}{f}.{key}: not supported; ignored");
        }

        var rules = provider.ConfigRules;
        var apiBase = OptionalString(p, "api_base", $"{f}.api_base")
            ?? rules.ApiBaseFromEnvironment(_env)
            ?? provider.DefaultApiBase;
        if (apiBase is not null && !(Uri.TryCreate(apiBase, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            _problems.Add($"{At(Child(p, "api_base") ?? p)}{f}.api_base: '{apiBase}' is not an absolute http(s) URL");
        if (apiBase is null && rules.MissingApiBaseHint is { } hint)
            _problems.Add($"{At(p)}{f}.api_base: required for provider '{prefix}'{hint}");
        foreach (var (key, cause) in rules.Check(settings, _env))
            _problems.Add($"{At(p)}{f}.{key}: {cause}");

        var apiKey = OptionalString(p, "api_key", $"{f}.api_key")
            ?? (provider.ApiKeyVariable is { } var ? _env(var) : null);
        var apiVersion = OptionalString(p, "api_version", $"{f}.api_version")
            ?? rules.ApiVersionFromEnvironment(_env);

        var timeout = OptionalNumber(p, "timeout", $"{f}.timeout", min: 0.001, max: MaxTimeoutSeconds);
        var streamTimeout = OptionalNumber(p, "stream_timeout", $"{f}.stream_timeout", min: 0.001, max: MaxTimeoutSeconds);
        var maxRetries = OptionalNumber(p, "max_retries", $"{f}.max_retries", min: 0, integer: true, max: 10);
        var rpm = OptionalNumber(p, "rpm", $"{f}.rpm", min: 1, integer: true, max: int.MaxValue);
        var tpm = OptionalNumber(p, "tpm", $"{f}.tpm", min: 1, integer: true, max: int.MaxValue);
        var weight = OptionalNumber(p, "weight", $"{f}.weight", min: 0.000001, max: 1e9);

        var info = new System.Text.Json.Nodes.JsonObject();
        if (Child(map, "model_info") is { } infoNode)
        {
            if (infoNode is YamlMappingNode infoMap) info = YamlValues.ToJsonObject(infoMap);
            else if (!YamlValues.IsNull(infoNode)) _problems.Add($"{At(infoNode)}{entry}.model_info: must be a mapping");
        }

        if (modelName is null) return null;
        return new DeploymentConfig
        {
            Index = index,
            ModelName = modelName,
            Provider = prefix,
            UpstreamModel = model[(slash + 1)..],
            ApiBase = apiBase?.TrimEnd('/'),
            ApiKey = apiKey,
            ApiVersion = apiVersion,
            Organization = OptionalString(p, "organization", $"{f}.organization"),
            AzureAdToken = OptionalString(p, "azure_ad_token", $"{f}.azure_ad_token"),
            MockResponse = OptionalString(p, "mock_response", $"{f}.mock_response"),
            Timeout = timeout is { } t ? TimeSpan.FromSeconds(t) : DeploymentConfig.DefaultTimeout,
            MaxRetries = (int)(maxRetries ?? 0),
            Rpm = (int?)rpm,
            Tpm = (int?)tpm,
            StreamTimeout = streamTimeout is { } st ? TimeSpan.FromSeconds(st) : null,
            Weight = weight,
            ExtraHeaders = headers,
            ProviderSettings = settings,
            ModelInfo = info,
        };
    }

    private static readonly HashSet<string> KnownParams =
    [
        "model", "api_base", "api_key", "api_version", "timeout", "stream_timeout", "max_retries", "rpm", "tpm", "weight",
        "organization", "azure_ad_token", "mock_response", "extra_headers", .. ProviderCatalog.SettingKeys,
    ];

    private static string KnownProviders() => string.Join(", ", ProviderCatalog.Prefixes);

    private void ReadHeaders(YamlNode node, Dictionary<string, string> into, string field)
    {
        if (node is not YamlMappingNode map)
        {
            _problems.Add($"{At(node)}{field}: must be a mapping of header name to value");
            return;
        }
        foreach (var (k, _) in map.Children)
        {
            if (KeyName(k, field) is not { } name) continue;
            if (OptionalString(map, name, $"{field}.{name}") is { } value) into[name] = value;
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    /// <summary>A scalar string, with <c>os.environ/NAME</c> resolved; records a problem and returns null if unusable.</summary>
    private string? OptionalString(YamlMappingNode map, string key, string field)
    {
        var node = Child(map, key);
        if (node is null || YamlValues.IsNull(node)) return null;
        if (node is not YamlScalarNode s)
        {
            _problems.Add($"{At(node)}{field}: must be a single value, not a list or mapping");
            return null;
        }
        var value = s.Value ?? "";
        if (!value.StartsWith(EnvPrefix, StringComparison.Ordinal)) return value;
        var name = value[EnvPrefix.Length..];
        if (name.Length == 0)
        {
            _problems.Add($"{At(node)}{field}: '{value}' names no variable; write os.environ/NAME");
            return null;
        }
        var resolved = _env(name);
        if (string.IsNullOrEmpty(resolved))
        {
            _problems.Add($"{At(node)}{field}: environment variable {name} is not set (the value is '{value}')");
            return null;
        }
        return resolved;
    }

    /// <summary>One day: longer than any platform lets a function run.</summary>
    private const double MaxTimeoutSeconds = 86_400;

    private double? OptionalNumber(YamlMappingNode map, string key, string field, double min, double max = double.MaxValue, bool integer = false)
    {
        var text = OptionalString(map, key, field);
        if (text is null) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || double.IsNaN(n) || double.IsInfinity(n))
            _problems.Add($"{At(Child(map, key)!)}{field}: '{text}' is not a number");
        else if (integer && n != Math.Floor(n))
            _problems.Add($"{At(Child(map, key)!)}{field}: '{text}' must be a whole number");
        else if (n < min)
            _problems.Add($"{At(Child(map, key)!)}{field}: {text} is too small (minimum {min.ToString(CultureInfo.InvariantCulture)})");
        else if (n > max)
            _problems.Add($"{At(Child(map, key)!)}{field}: {text} is too large (maximum {max.ToString(CultureInfo.InvariantCulture)})");
        else
            return n;
        return null;
    }

    private void WarnUnknown(YamlMappingNode map, HashSet<string> known, string path)
    {
        foreach (var k in map.Children.Keys)
            if (k is YamlScalarNode s && !known.Contains(s.Value ?? ""))
                _warnings.Add($"{At(k)}{path}{s.Value}: not supported; ignored");
    }

    private static string At(YamlNode node) => node.Start.Line > 0 ? $"line {node.Start.Line}: " : "";
}
