namespace Gateway.Routing.Strategies;

/// <summary>
/// <c>usage-based-routing-v2</c>: among deployments under their <c>rpm</c> and <c>tpm</c> this minute (as this instance
/// counts them), the one with the fewest tokens used this minute; none under its limits: none picked.
/// </summary>
public sealed class UsageBasedStrategy(IRandomSource random) : IRoutingStrategy
{
    public Deployment? Pick(ReadOnlySpan<Deployment> candidates, DateTimeOffset now)
    {
        var tied = new Deployment[candidates.Length];
        var count = 0;
        var least = long.MaxValue;
        foreach (var d in candidates)
        {
            var (requests, tokens) = d.Load.ThisMinute(now);
            if (!UnderLimits(d, requests, tokens)) continue;
            if (tokens < least)
            {
                least = tokens;
                count = 0;
            }
            if (tokens == least) tied[count++] = d;
        }
        return count == 0 ? null : RoutingStrategies.Any(random, tied, count);
    }

    internal static bool UnderLimits(Deployment d, long requests, long tokens) =>
        (d.Config.Rpm is not { } rpm || requests < rpm) && (d.Config.Tpm is not { } tpm || tokens < tpm);
}
