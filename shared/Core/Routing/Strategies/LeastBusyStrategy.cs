namespace Gateway.Routing.Strategies;

/// <summary><c>least-busy</c>: the fewest calls in flight on this instance; ties broken at random.</summary>
public sealed class LeastBusyStrategy(IRandomSource random) : IRoutingStrategy
{
    public Deployment? Pick(ReadOnlySpan<Deployment> candidates, DateTimeOffset now)
    {
        if (candidates.Length == 1) return candidates[0];
        var tied = new Deployment[candidates.Length];
        var count = 0;
        var least = int.MaxValue;
        foreach (var d in candidates)
        {
            var busy = d.Load.InFlight;
            if (busy < least)
            {
                least = busy;
                count = 0;
            }
            if (busy == least) tied[count++] = d;
        }
        return RoutingStrategies.Any(random, tied, count);
    }
}
