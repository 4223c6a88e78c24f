using Gateway.Pricing;
using Gateway.Routing;
using Gateway.Routing.Strategies;
using Microsoft.Extensions.Time.Testing;
using static Gateway.Tests.Routing.RoutingFixture;

namespace Gateway.Tests.Routing;

/// <summary>The five strategies by LiteLLM's names, each on its own, with injected randomness and a fake clock.</summary>
public sealed class StrategyTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 9, 26, 10, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 2, 7)]
    [InlineData(5, 5, 90)]
    public void Simple_shuffle_holds_weights_within_two_percent_over_10000_picks(double a, double b, double c)
    {
        Deployment[] ds = [Deployment("a", weight: a), Deployment("b", weight: b), Deployment("c", weight: c)];
        var strategy = new SimpleShuffleStrategy(new Seeded(42));
        var counts = Count(strategy, ds, 10_000);
        var total = a + b + c;
        Assert.InRange(counts["a"] / 10_000.0, a / total - 0.02, a / total + 0.02);
        Assert.InRange(counts["b"] / 10_000.0, b / total - 0.02, b / total + 0.02);
        Assert.InRange(counts["c"] / 10_000.0, c / total - 0.02, c / total + 0.02);
    }

    [Fact]
    public void Simple_shuffle_weighs_by_rpm_then_tpm_when_no_weight_is_given()
    {
        var strategy = new SimpleShuffleStrategy(new Seeded(7));
        var byRpm = Count(strategy, [Deployment("a", rpm: 100), Deployment("b", rpm: 300)], 10_000);
        Assert.InRange(byRpm["b"] / 10_000.0, 0.73, 0.77);
        var byTpm = Count(strategy, [Deployment("a", tpm: 9_000), Deployment("b", tpm: 1_000)], 10_000);
        Assert.InRange(byTpm["a"] / 10_000.0, 0.88, 0.92);
    }

    [Fact]
    public void Latency_based_sends_at_least_90_percent_to_the_faster_once_it_has_learned()
    {
        var fast = Deployment("fast");
        var slow = Deployment("slow");
        var strategy = new LatencyBasedStrategy(new Seeded(1), new LatencySettings());
        var clock = new FakeTimeProvider(Now);
        var sent = new Dictionary<string, int> { ["fast"] = 0, ["slow"] = 0 };
        for (var i = 0; i < 1_000; i++)
        {
            var pick = strategy.Pick([fast, slow], clock.GetUtcNow())!;
            sent[pick.Config.Id]++;
            // The fake upstreams: 40 ms against 400 ms, each with some spread.
            var ms = pick == fast ? 40 + i % 7 : 400 + i % 13;
            pick.Load.RecordLatency(clock.GetUtcNow(), TimeSpan.FromMilliseconds(ms));
            clock.Advance(TimeSpan.FromMilliseconds(50));
        }
        Assert.True(sent["fast"] >= 900, $"fast got {sent["fast"]} of 1000");
        Assert.True(sent["slow"] >= 1, "the slow one is tried once while unknown");
    }

    [Fact]
    public void Latency_based_forgets_samples_older_than_ttl_and_shares_within_the_buffer()
    {
        var a = Deployment("a");
        var b = Deployment("b");
        a.Load.RecordLatency(Now, TimeSpan.FromMilliseconds(100));
        b.Load.RecordLatency(Now, TimeSpan.FromMilliseconds(115));
        var strict = new LatencyBasedStrategy(new Sequence(0.99), new LatencySettings { Ttl = TimeSpan.FromMinutes(1) });
        Assert.Same(a, strict.Pick([a, b], Now));
        var buffered = new LatencyBasedStrategy(new Sequence(0.99), new LatencySettings { Buffer = 0.2 });
        Assert.Same(b, buffered.Pick([a, b], Now)); // both within 20%: the draw decides
        // Two minutes on, both samples are stale under a 1-minute ttl: both count as unknown (0), the draw decides.
        Assert.Same(b, strict.Pick([a, b], Now.AddMinutes(2)));
    }

    [Fact]
    public void Least_busy_picks_the_fewest_in_flight()
    {
        var a = Deployment("a");
        var b = Deployment("b");
        a.Load.Started();
        a.Load.Started();
        b.Load.Started();
        var strategy = new LeastBusyStrategy(new Sequence(0.5));
        Assert.Same(b, strategy.Pick([a, b], Now));
        b.Load.Started();
        b.Load.Started();
        Assert.Same(a, strategy.Pick([a, b], Now));
    }

    [Fact]
    public void Usage_based_picks_the_lowest_tpm_under_limits_and_none_when_all_are_over()
    {
        var a = Deployment("a", rpm: 2, tpm: 1_000);
        var b = Deployment("b", tpm: 5_000);
        a.Load.CountTokens(Now, 100);
        b.Load.CountTokens(Now, 300);
        var strategy = new UsageBasedStrategy(new Sequence(0.5));
        Assert.Same(a, strategy.Pick([a, b], Now));
        a.Load.CountRequest(Now);
        a.Load.CountRequest(Now); // a is at its rpm of 2
        Assert.Same(b, strategy.Pick([a, b], Now));
        b.Load.CountTokens(Now, 5_000);
        Assert.Null(strategy.Pick([a, b], Now));
        // The next minute starts from zero: both are back, tied, and the draw decides (0 -> the first).
        Assert.Same(a, new UsageBasedStrategy(new Sequence(0)).Pick([a, b], Now.AddMinutes(1)));
    }

    [Fact]
    public void Cost_based_picks_the_cheapest_priced_deployment()
    {
        var prices = new PriceBook(new Gateway.Config.GatewayConfig { Deployments = [] });
        var mini = Deployment("mini", model: "gpt-4o-mini");
        var big = Deployment("big", model: "gpt-4o");
        var strategy = new CostBasedStrategy(new Sequence(0.5), prices);
        Assert.Same(mini, strategy.Pick([big, mini], Now));
        Assert.Same(big, strategy.Pick([big], Now));
    }

    private static Dictionary<string, int> Count(IRoutingStrategy strategy, Deployment[] ds, int n)
    {
        var counts = ds.ToDictionary(d => d.Config.Id, _ => 0);
        for (var i = 0; i < n; i++) counts[strategy.Pick(ds, Now)!.Config.Id]++;
        return counts;
    }
}
