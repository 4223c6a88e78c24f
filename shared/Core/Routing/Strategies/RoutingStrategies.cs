using Gateway.Pricing;

namespace Gateway.Routing.Strategies;

/// <summary>The strategies by LiteLLM's names (<c>router_settings.routing_strategy</c>).</summary>
public static class RoutingStrategies
{
    public const string SimpleShuffle = "simple-shuffle";
    public const string LeastBusy = "least-busy";
    public const string LatencyBased = "latency-based-routing";
    public const string UsageBased = "usage-based-routing-v2";
    public const string CostBased = "cost-based-routing";

    public static readonly string[] Names = [SimpleShuffle, LeastBusy, LatencyBased, UsageBased, CostBased];

    /// <summary>LiteLLM's older name for usage-based routing, read as v2.</summary>
    public const string UsageBasedV1 = "usage-based-routing";

    public static IRoutingStrategy Create(string name, IRandomSource random, LatencySettings latency, PriceBook prices) => name switch
    {
        LeastBusy => new LeastBusyStrategy(random),
        LatencyBased => new LatencyBasedStrategy(random, latency),
        UsageBased or UsageBasedV1 => new UsageBasedStrategy(random),
        CostBased => new CostBasedStrategy(random, prices),
        _ => new SimpleShuffleStrategy(random),
    };

    /// <summary>A uniform pick among the first <paramref name="count"/> of <paramref name="tied"/>.</summary>
    internal static Deployment Any(IRandomSource random, Deployment[] tied, int count) =>
        count == 1 ? tied[0] : tied[Math.Min(count - 1, (int)(random.NextDouble() * count))];
}
