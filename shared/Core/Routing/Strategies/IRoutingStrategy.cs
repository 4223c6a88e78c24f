namespace Gateway.Routing.Strategies;

/// <summary>
/// Picks one deployment for the next attempt among those the router found available (not cooling down, in the first
/// tier that has any, matching the call's tags). One small class per LiteLLM strategy, chosen by name.
/// </summary>
public interface IRoutingStrategy
{
    /// <returns>The pick, or null when the strategy finds none acceptable (every one over its rpm/tpm).</returns>
    Deployment? Pick(ReadOnlySpan<Deployment> candidates, DateTimeOffset now);
}

/// <summary><c>routing_strategy_args</c> of latency-based-routing.</summary>
public sealed record LatencySettings
{
    /// <summary><c>ttl</c>: samples older than this are forgotten (LiteLLM: one hour).</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromHours(1);

    /// <summary><c>lowest_latency_buffer</c>: deployments within this fraction of the fastest share its traffic at random (0: only the fastest).</summary>
    public double Buffer { get; init; }

    /// <summary><c>max_latency_list_size</c>: how many recent samples each deployment keeps.</summary>
    public int MaxSamples { get; init; } = DeploymentLoad.DefaultLatencySamples;
}
