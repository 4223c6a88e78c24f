using Gateway.Pricing;

namespace Gateway.Routing.Strategies;

/// <summary>
/// <c>cost-based-routing</c>: the cheapest deployment by the price table (input plus output price per token) among those
/// under their rpm/tpm this minute; unpriced deployments come last. Ties are broken at random.
/// </summary>
public sealed class CostBasedStrategy(IRandomSource random, PriceBook prices) : IRoutingStrategy
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Deployment, decimal> _cost = new();

    public Deployment? Pick(ReadOnlySpan<Deployment> candidates, DateTimeOffset now)
    {
        var tied = new Deployment[candidates.Length];
        var count = 0;
        var cheapest = decimal.MaxValue;
        foreach (var d in candidates)
        {
            var (requests, tokens) = d.Load.ThisMinute(now);
            if (!UsageBasedStrategy.UnderLimits(d, requests, tokens)) continue;
            var cost = _cost.GetOrAdd(d, Price);
            if (cost < cheapest)
            {
                cheapest = cost;
                count = 0;
            }
            if (cost == cheapest) tied[count++] = d;
        }
        return count == 0 ? null : RoutingStrategies.Any(random, tied, count);
    }

    private decimal Price(Deployment d) =>
        prices.Rates(d.Config) is { } r ? r.InputPerToken + r.OutputPerToken : decimal.MaxValue / 2;
}
