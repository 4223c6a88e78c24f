using Gateway.Caching;
using Gateway.Config.Yaml;
using Gateway.Pipeline;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary>
/// <c>litellm_settings.cache</c> (on or off) and <c>cache_params</c>, by LiteLLM's names: <c>type</c>, <c>ttl</c>,
/// <c>mode</c>, <c>supported_call_types</c>, <c>namespace</c>, <c>max_size_in_memory</c>, plus the gateway's
/// <c>cache_scope</c>, <c>cache_sampled_responses</c> and <c>caching_groups</c>. Redis and S3 settings are accepted and the
/// type mapped to <c>store</c> with a warning: the gateway's own store is the shared cache.
/// </summary>
internal sealed class CacheParamsSection(YamlFields fields, ConfigDiagnostics report)
{
    private const string Path = "litellm_settings.cache_params";

    private static readonly HashSet<string> Known =
    [
        "type", "ttl", "mode", "supported_call_types", "namespace", "max_size_in_memory", "cache_scope", "cache_sampled_responses",
        "caching_groups", "similarity_threshold", "semantic_cache_embedding_model", "default_in_memory_ttl",
    ];

    /// <summary>Connection settings of the caches LiteLLM talks to; here the store is the cache, so they are not used.</summary>
    private static readonly HashSet<string> RemoteOnly =
    [
        "host", "port", "password", "username", "url", "redis_url", "ssl", "max_connections", "socket_timeout", "default_in_redis_ttl",
        "redis_startup_nodes", "service_name", "sentinel_nodes", "s3_bucket_name", "s3_region_name", "s3_api_version", "s3_use_ssl",
        "s3_verify", "s3_endpoint_url", "s3_aws_access_key_id", "s3_aws_secret_access_key", "s3_aws_session_token", "s3_path",
        "gcs_bucket_name", "gcs_path",
    ];

    /// <summary>LiteLLM's call type names (sync and async spellings) and the calls they stand for here.</summary>
    private static readonly Dictionary<string, CallKind> CallTypes = new(StringComparer.Ordinal)
    {
        ["completion"] = CallKind.ChatCompletion, ["acompletion"] = CallKind.ChatCompletion,
        ["embedding"] = CallKind.Embedding, ["aembedding"] = CallKind.Embedding,
        ["anthropic_messages"] = CallKind.AnthropicMessages, ["aanthropic_messages"] = CallKind.AnthropicMessages,
    };

    /// <summary>Call types LiteLLM can cache that this gateway has no route for yet: accepted, warned about.</summary>
    private static readonly HashSet<string> NotServed =
        ["text_completion", "atext_completion", "transcription", "atranscription", "rerank", "arerank", "responses", "aresponses"];

    public CacheSettings Read(YamlMappingNode litellm, IReadOnlyCollection<string> groups)
    {
        var on = fields.OptionalBool(litellm, "cache", "litellm_settings.cache") ?? false;
        var node = YamlFields.Child(litellm, "cache_params");
        if (!on)
        {
            if (node is YamlMappingNode) report.Warning(node, $"{Path}: ignored because litellm_settings.cache is not true");
            return CacheSettings.Off;
        }
        if (node is null || YamlValues.IsNull(node)) return new CacheSettings();
        if (node is not YamlMappingNode p)
        {
            report.Problem(node, $"{Path}: must be a mapping");
            return CacheSettings.Off;
        }
        var keys = p.Children.Keys.Select(k => k.ToString()).ToList();
        report.IgnoredKeys(Path, keys.Where(k => !Known.Contains(k) && !RemoteOnly.Contains(k)).ToList());
        var settings = new CacheSettings { Type = ReadType(p, keys) };
        if (settings.Type == CacheType.Semantic) settings = ReadSemantic(p, settings, groups);
        if (fields.OptionalNumber(p, "ttl", Path + ".ttl", min: 1, max: CacheControls.MaxTtlSeconds) is { } ttl) settings = settings with { Ttl = TimeSpan.FromSeconds(ttl) };
        if (fields.OptionalNumber(p, "max_size_in_memory", Path + ".max_size_in_memory", min: 1, max: 10_000_000, integer: true) is { } max)
            settings = settings with { MaxEntries = (int)max };
        settings = settings with
        {
            DefaultOn = ReadMode(p),
            Namespace = fields.OptionalString(p, "namespace", Path + ".namespace"),
            Scope = ReadScope(p),
            CacheSampled = fields.OptionalBool(p, "cache_sampled_responses", Path + ".cache_sampled_responses") ?? false,
        };
        if (ReadCallTypes(p) is { } kinds) settings = settings with { CallKinds = kinds };
        if (ReadGroups(p, groups) is { } shared) settings = settings with { SharedGroups = shared };
        return settings;
    }

    private CacheType ReadType(YamlMappingNode p, List<string> keys)
    {
        var type = fields.OptionalString(p, "type", Path + ".type") ?? "local";
        switch (type)
        {
            case "local":
                return CacheType.Local;
            case "store":
                return CacheType.Store;
            case "semantic":
                return CacheType.Semantic;
            case "redis" or "s3" or "gcs" or "disk":
                var unused = keys.Where(RemoteOnly.Contains).ToList();
                report.Warning(YamlFields.Child(p, "type")!, $"{Path}.type: '{type}' is served by the gateway's own store (type: store), shared by every instance"
                    + (unused.Count > 0 ? $"; {string.Join(", ", unused)} not used" : ""));
                return CacheType.Store;
            case "redis-semantic" or "qdrant-semantic" or "valkey-semantic":
                report.Warning(YamlFields.Child(p, "type")!, $"{Path}.type: '{type}' is served by the gateway's own semantic cache (type: semantic) over its store");
                return CacheType.Semantic;
            default:
                report.Problem(YamlFields.Child(p, "type")!, $"{Path}.type: '{type}' is not one of local, store, semantic (or LiteLLM's redis, s3)");
                return CacheType.Local;
        }
    }

    /// <summary><c>similarity_threshold</c> (default 0.95) and <c>semantic_cache_embedding_model</c>, a model_name of model_list.</summary>
    private CacheSettings ReadSemantic(YamlMappingNode p, CacheSettings settings, IReadOnlyCollection<string> groups)
    {
        var threshold = fields.OptionalNumber(p, "similarity_threshold", Path + ".similarity_threshold", min: 0, max: 1) ?? 0.95;
        var model = fields.OptionalString(p, "semantic_cache_embedding_model", Path + ".semantic_cache_embedding_model");
        if (model is null) report.Problem(p, $"{Path}.semantic_cache_embedding_model: type semantic needs an embedding model (a model_name in model_list)");
        else if (!groups.Contains(model)) report.Problem(YamlFields.Child(p, "semantic_cache_embedding_model")!, $"{Path}.semantic_cache_embedding_model: '{model}' is not a model_name in model_list");
        return settings with { SimilarityThreshold = threshold, EmbeddingModel = model };
    }

    private bool ReadMode(YamlMappingNode p)
    {
        var mode = fields.OptionalString(p, "mode", Path + ".mode") ?? "default_on";
        if (mode is "default_on" or "default_off") return mode == "default_on";
        report.Problem(YamlFields.Child(p, "mode")!, $"{Path}.mode: '{mode}' is not default_on or default_off");
        return true;
    }

    private CacheScope ReadScope(YamlMappingNode p)
    {
        var scope = fields.OptionalString(p, "cache_scope", Path + ".cache_scope") ?? "global";
        switch (scope)
        {
            case "global": return CacheScope.Global;
            case "key": return CacheScope.Key;
            case "team": return CacheScope.Team;
            default:
                report.Problem(YamlFields.Child(p, "cache_scope")!, $"{Path}.cache_scope: '{scope}' is not global, key or team");
                return CacheScope.Global;
        }
    }

    private HashSet<CallKind>? ReadCallTypes(YamlMappingNode p)
    {
        if (YamlFields.Child(p, "supported_call_types") is not { } node || YamlValues.IsNull(node)) return null;
        if (node is not YamlSequenceNode list)
        {
            report.Problem(node, $"{Path}.supported_call_types: must be a list of call types");
            return null;
        }
        var kinds = new HashSet<CallKind>();
        foreach (var item in list.Children)
        {
            var name = (item as YamlScalarNode)?.Value ?? "";
            if (CallTypes.TryGetValue(name, out var kind)) kinds.Add(kind);
            else if (NotServed.Contains(name)) report.Warning(item, $"{Path}.supported_call_types: '{name}' has no route in this gateway yet");
            else report.Problem(item, $"{Path}.supported_call_types: '{name}' is not a call type ({string.Join(", ", CallTypes.Keys)})");
        }
        return kinds;
    }

    /// <summary><c>caching_groups</c>: lists of model group names whose calls share cached answers.</summary>
    private Dictionary<string, string>? ReadGroups(YamlMappingNode p, IReadOnlyCollection<string> groups)
    {
        if (YamlFields.Child(p, "caching_groups") is not { } node || YamlValues.IsNull(node)) return null;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is not YamlSequenceNode sets)
        {
            report.Problem(node, $"{Path}.caching_groups: must be a list of lists of model group names");
            return null;
        }
        foreach (var set in sets.Children)
        {
            if (set is not YamlSequenceNode names || names.Children.Count < 2)
            {
                report.Problem(set, $"{Path}.caching_groups: each entry must list two or more model group names");
                continue;
            }
            var first = (names.Children[0] as YamlScalarNode)?.Value ?? "";
            foreach (var n in names.Children)
            {
                var name = (n as YamlScalarNode)?.Value ?? "";
                if (!groups.Contains(name)) report.Problem(n, $"{Path}.caching_groups: '{name}' is not a model_name in model_list");
                else if (!map.TryAdd(name, first)) report.Problem(n, $"{Path}.caching_groups: '{name}' is in two caching groups");
            }
        }
        return map;
    }
}
