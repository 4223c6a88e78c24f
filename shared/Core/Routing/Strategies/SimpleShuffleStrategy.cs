namespace Gateway.Routing.Strategies;

/// <summary><c>simple-shuffle</c>: weighted random by <c>weight</c>, else <c>rpm</c>, else <c>tpm</c>, else uniform.</summary>
public sealed class SimpleShuffleStrategy(IRandomSource random) : IRoutingStrategy
{
    public Deployment? Pick(ReadOnlySpan<Deployment> candidates, DateTimeOffset now)
    {
        if (candidates.Length == 1) return candidates[0];
        double total = 0;
        foreach (var d in candidates) total += d.Config.EffectiveWeight;
        var x = random.NextDouble() * total;
        foreach (var d in candidates)
        {
            x -= d.Config.EffectiveWeight;
            if (x < 0) return d;
        }
        return candidates[^1];
    }
}
