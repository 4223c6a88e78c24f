using Gateway.Config.Yaml;
using Gateway.Routing;
using Gateway.Routing.Cooldowns;
using Gateway.Routing.Failures;
using Gateway.Routing.Fallbacks;
using Gateway.Routing.Retries;
using Gateway.Routing.Strategies;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary>
/// <c>router_settings</c>, by LiteLLM's key names: the strategy and its args, retries, fallbacks, cooldowns, aliases and
/// tag routing. Group names in fallbacks and aliases must be model names of <c>model_list</c> (or aliases); keys the
/// gateway does not read (Redis settings: the gateway shares state through its own store) are named in one warning.
/// </summary>
internal sealed class RouterSettingsSection(YamlFields fields, ConfigDiagnostics report)
{
    private const string Section = "router_settings";

    private static readonly HashSet<string> Known =
    [
        "routing_strategy", "routing_strategy_args", "num_retries", "retry_policy", "allowed_fails", "allowed_fails_policy", "cooldown_time",
        "disable_cooldowns", "fallbacks", "context_window_fallbacks", "content_policy_fallbacks", "default_fallbacks", "max_fallbacks",
        "enable_pre_call_checks", "model_group_alias", "enable_tag_filtering", "tag_filtering_match_any", "timeout",
    ];

    /// <summary>Router keys LiteLLM also reads from <c>litellm_settings</c>; <c>router_settings</c> wins when both set one.</summary>
    public static readonly string[] FromLitellmSettings =
        ["fallbacks", "context_window_fallbacks", "content_policy_fallbacks", "default_fallbacks", "allowed_fails", "cooldown_time", "max_fallbacks"];

    public RouterSettings Read(YamlMappingNode root, IReadOnlyList<DeploymentConfig> deployments)
    {
        var own = YamlFields.Child(root, Section) as YamlMappingNode;
        var litellm = YamlFields.Child(root, "litellm_settings") as YamlMappingNode;
        if (own is null && litellm is null) return new RouterSettings();
        if (own is not null) report.IgnoredKeys(Section, own.Children.Keys.Select(k => k.ToString()).Where(k => !Known.Contains(k)).ToList());
        // One mapping of the same nodes (so messages keep their lines): litellm_settings' router keys, then router_settings over them.
        var router = new YamlMappingNode();
        foreach (var key in FromLitellmSettings)
            if (litellm is not null && YamlFields.Child(litellm, key) is { } node) router.Children[new YamlScalarNode(key)] = node;
        if (own is not null)
            foreach (var (k, v) in own.Children) router.Children[k] = v;
        var groups = deployments.Select(d => d.ModelName).ToHashSet(StringComparer.Ordinal);
        var aliases = ReadAliases(router, groups);
        var names = new HashSet<string>(groups.Concat(aliases.Keys), StringComparer.Ordinal);
        var timeout = fields.OptionalNumber(router, "timeout", $"{Section}.timeout", min: 0.001, max: LitellmParamsSection.MaxTimeoutSeconds);
        var cooldown = fields.OptionalNumber(router, "cooldown_time", $"{Section}.cooldown_time", min: 0, max: 86_400);
        return new RouterSettings
        {
            RoutingStrategy = ReadStrategy(router),
            Latency = ReadLatency(router),
            Retries = new RetrySettings
            {
                NumRetries = (int?)fields.OptionalNumber(router, "num_retries", $"{Section}.num_retries", min: 0, max: 10, integer: true),
                PerClass = ReadPerClass(router, "retry_policy", RetrySettings.PolicyKeys, max: 10),
            },
            Cooldowns = new CooldownSettings
            {
                AllowedFails = (int?)fields.OptionalNumber(router, "allowed_fails", $"{Section}.allowed_fails", min: 0, max: 1_000_000, integer: true) ?? 3,
                AllowedFailsPerClass = ReadPerClass(router, "allowed_fails_policy", CooldownSettings.PolicyKeys, max: 1_000_000),
                CooldownTime = cooldown is { } c ? TimeSpan.FromSeconds(c) : TimeSpan.FromSeconds(5),
                Disabled = fields.OptionalBool(router, "disable_cooldowns", $"{Section}.disable_cooldowns") ?? false,
            },
            Fallbacks = new FallbackSettings
            {
                Generic = ReadFallbacks(router, "fallbacks", names),
                ContextWindow = ReadFallbacks(router, "context_window_fallbacks", names),
                ContentPolicy = ReadFallbacks(router, "content_policy_fallbacks", names),
                Default = ReadNames(router, "default_fallbacks", names),
                MaxFallbacks = (int?)fields.OptionalNumber(router, "max_fallbacks", $"{Section}.max_fallbacks", min: 0, max: 100, integer: true) ?? 5,
            },
            Timeout = timeout is { } t ? TimeSpan.FromSeconds(t) : null,
            PreCallChecks = fields.OptionalBool(router, "enable_pre_call_checks", $"{Section}.enable_pre_call_checks") ?? false,
            Aliases = aliases,
            TagFiltering = fields.OptionalBool(router, "enable_tag_filtering", $"{Section}.enable_tag_filtering") ?? false,
            TagMatchAny = fields.OptionalBool(router, "tag_filtering_match_any", $"{Section}.tag_filtering_match_any") ?? true,
        };
    }

    private string ReadStrategy(YamlMappingNode router)
    {
        var name = fields.OptionalString(router, "routing_strategy", $"{Section}.routing_strategy");
        if (name is null) return RoutingStrategies.SimpleShuffle;
        if (name == RoutingStrategies.UsageBasedV1) return RoutingStrategies.UsageBased;
        if (RoutingStrategies.Names.Contains(name)) return name;
        report.Problem(YamlFields.Child(router, "routing_strategy")!, $"{Section}.routing_strategy: '{name}' is not a strategy; use one of: {string.Join(", ", RoutingStrategies.Names)}");
        return RoutingStrategies.SimpleShuffle;
    }

    private LatencySettings ReadLatency(YamlMappingNode router)
    {
        const string f = Section + ".routing_strategy_args";
        if (YamlFields.Child(router, "routing_strategy_args") is not { } node || YamlValues.IsNull(node)) return new LatencySettings();
        if (node is not YamlMappingNode args)
        {
            report.Problem(node, $"{f}: must be a mapping");
            return new LatencySettings();
        }
        fields.WarnUnknown(args, new HashSet<string> { "ttl", "lowest_latency_buffer", "max_latency_list_size" }, f + ".");
        var ttl = fields.OptionalNumber(args, "ttl", $"{f}.ttl", min: 1, max: 86_400 * 30);
        return new LatencySettings
        {
            Ttl = ttl is { } t ? TimeSpan.FromSeconds(t) : TimeSpan.FromHours(1),
            Buffer = fields.OptionalNumber(args, "lowest_latency_buffer", $"{f}.lowest_latency_buffer", min: 0, max: 100) ?? 0,
            MaxSamples = (int?)fields.OptionalNumber(args, "max_latency_list_size", $"{f}.max_latency_list_size", min: 1, max: 1000, integer: true) ?? DeploymentLoad.DefaultLatencySamples,
        };
    }

    private Dictionary<FailureClass, int> ReadPerClass(YamlMappingNode router, string key, IReadOnlyDictionary<string, FailureClass[]> keys, int max)
    {
        var result = new Dictionary<FailureClass, int>();
        if (YamlFields.Child(router, key) is not { } node || YamlValues.IsNull(node)) return result;
        if (node is not YamlMappingNode map)
        {
            report.Problem(node, $"{Section}.{key}: must be a mapping of {string.Join(", ", keys.Keys)} to numbers");
            return result;
        }
        foreach (var (k, _) in map.Children)
        {
            var name = fields.KeyName(k, $"{Section}.{key}");
            if (name is null) continue;
            if (!keys.TryGetValue(name, out var classes))
            {
                report.Problem(k, $"{Section}.{key}.{name}: not a key LiteLLM knows; use one of: {string.Join(", ", keys.Keys)}");
                continue;
            }
            if (fields.OptionalNumber(map, name, $"{Section}.{key}.{name}", min: 0, max: max, integer: true) is { } n)
                foreach (var c in classes) result[c] = (int)n;
        }
        return result;
    }

    /// <summary>LiteLLM's shape: a list of one-key mappings, <c>[{group: [fallback, ...]}]</c>.</summary>
    private Dictionary<string, IReadOnlyList<string>> ReadFallbacks(YamlMappingNode router, string key, HashSet<string> names)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var f = $"{Section}.{key}";
        if (YamlFields.Child(router, key) is not { } node || YamlValues.IsNull(node)) return result;
        var entries = node switch
        {
            YamlSequenceNode seq => seq.Children,
            YamlMappingNode map => [map],
            _ => null,
        };
        if (entries is null || entries.Any(e => e is not YamlMappingNode))
        {
            report.Problem(node, $"{f}: must be a list of mappings of a model name to its fallback model names, e.g. [{{\"gpt-4o\": [\"claude-sonnet\"]}}]");
            return result;
        }
        foreach (var entry in entries.Cast<YamlMappingNode>())
            foreach (var (k, v) in entry.Children)
            {
                var group = fields.KeyName(k, f);
                if (group is null) continue;
                if (!names.Contains(group)) report.Problem(k, $"{f}: '{group}' is not a model_name in model_list");
                if (Names(v, $"{f}.{group}", names) is { } list) result[group] = list;
            }
        return result;
    }

    private IReadOnlyList<string> ReadNames(YamlMappingNode router, string key, HashSet<string> names) =>
        YamlFields.Child(router, key) is { } node && !YamlValues.IsNull(node) ? Names(node, $"{Section}.{key}", names) ?? [] : [];

    private List<string>? Names(YamlNode node, string f, HashSet<string> names)
    {
        if (node is not YamlSequenceNode seq || seq.Children.Any(c => c is not YamlScalarNode { Value.Length: > 0 }))
        {
            report.Problem(node, $"{f}: must be a list of model names");
            return null;
        }
        var list = seq.Children.Select(c => ((YamlScalarNode)c).Value!).Distinct(StringComparer.Ordinal).ToList();
        foreach (var n in list.Where(n => !names.Contains(n)))
            report.Problem(node, $"{f}: '{n}' is not a model_name in model_list");
        return list;
    }

    /// <summary><c>model_group_alias</c>: <c>alias: group</c>, or <c>alias: {model: group, hidden: true}</c> to keep it out of <c>/v1/models</c>.</summary>
    private Dictionary<string, GroupAlias> ReadAliases(YamlMappingNode router, HashSet<string> groups)
    {
        const string f = Section + ".model_group_alias";
        var result = new Dictionary<string, GroupAlias>(StringComparer.Ordinal);
        if (YamlFields.Child(router, "model_group_alias") is not { } node || YamlValues.IsNull(node)) return result;
        if (node is not YamlMappingNode map)
        {
            report.Problem(node, $"{f}: must be a mapping of alias to model name");
            return result;
        }
        foreach (var (k, v) in map.Children)
        {
            var alias = fields.KeyName(k, f);
            if (alias is null) continue;
            string? target;
            var hidden = false;
            if (v is YamlMappingNode m)
            {
                fields.WarnUnknown(m, new HashSet<string> { "model", "hidden" }, $"{f}.{alias}.");
                target = fields.OptionalString(m, "model", $"{f}.{alias}.model");
                hidden = fields.OptionalBool(m, "hidden", $"{f}.{alias}.hidden") ?? false;
            }
            else target = fields.OptionalString(map, alias, $"{f}.{alias}");
            if (target is null)
                report.Problem(v, $"{f}.{alias}: needs the model name it stands for");
            else if (groups.Contains(alias))
                report.Problem(k, $"{f}.{alias}: is already a model_name in model_list; an alias cannot hide a model");
            else if (!groups.Contains(target))
                report.Problem(v, $"{f}.{alias}: '{target}' is not a model_name in model_list");
            else
                result[alias] = new GroupAlias(target, hidden);
        }
        return result;
    }
}
