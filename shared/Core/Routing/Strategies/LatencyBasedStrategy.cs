namespace Gateway.Routing.Strategies;

/// <summary>
/// <c>latency-based-routing</c>: the lowest mean of recent latencies (time to the first chunk for streams), over
/// samples younger than <c>ttl</c>. A deployment with no sample yet counts as fastest, so each is learned once. Those
/// within <c>lowest_latency_buffer</c> of the fastest share the traffic at random.
/// </summary>
public sealed class LatencyBasedStrategy(IRandomSource random, LatencySettings settings) : IRoutingStrategy
{
    public Deployment? Pick(ReadOnlySpan<Deployment> candidates, DateTimeOffset now)
    {
        if (candidates.Length == 1) return candidates[0];
        var since = now - settings.Ttl;
        Span<double> means = stackalloc double[candidates.Length];
        var lowest = double.MaxValue;
        for (var i = 0; i < candidates.Length; i++)
        {
            means[i] = candidates[i].Load.AverageLatencyMs(since) ?? 0;
            if (means[i] < lowest) lowest = means[i];
        }
        var ceiling = lowest * (1 + settings.Buffer);
        var tied = new Deployment[candidates.Length];
        var count = 0;
        for (var i = 0; i < candidates.Length; i++)
            if (means[i] <= ceiling) tied[count++] = candidates[i];
        return RoutingStrategies.Any(random, tied, count);
    }
}
