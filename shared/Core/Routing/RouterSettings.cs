using Gateway.Routing.Cooldowns;
using Gateway.Routing.Fallbacks;
using Gateway.Routing.Retries;
using Gateway.Routing.Strategies;

namespace Gateway.Routing;

/// <summary><c>router_settings</c> as read from the config, with LiteLLM's defaults where a key is absent.</summary>
public sealed record RouterSettings
{
    public string RoutingStrategy { get; init; } = RoutingStrategies.SimpleShuffle;
    public LatencySettings Latency { get; init; } = new();
    public RetrySettings Retries { get; init; } = new();
    public FallbackSettings Fallbacks { get; init; } = new();
    public CooldownSettings Cooldowns { get; init; } = new();

    /// <summary><c>timeout</c>: the whole call's deadline, retries and fallbacks included; null: the deployments' own timeouts bound it.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary><c>enable_pre_call_checks</c>: leave out deployments whose <c>model_info.max_input_tokens</c> the prompt exceeds.</summary>
    public bool PreCallChecks { get; init; }

    /// <summary><c>model_group_alias</c>: a public name for a group; hidden aliases work but are not listed.</summary>
    public IReadOnlyDictionary<string, GroupAlias> Aliases { get; init; } = new Dictionary<string, GroupAlias>();

    /// <summary><c>enable_tag_filtering</c>, <c>tag_filtering_match_any</c>.</summary>
    public bool TagFiltering { get; init; }
    public bool TagMatchAny { get; init; }
}

/// <summary>One <c>model_group_alias</c> entry.</summary>
public sealed record GroupAlias(string Group, bool Hidden);
