using Gateway.Http;
using Gateway.Routing;
using Gateway.Routing.Cooldowns;
using Gateway.Routing.Failures;
using Gateway.Routing.Retries;
using Gateway.Routing.Strategies;
using Microsoft.Extensions.Time.Testing;
using static Gateway.Tests.Routing.RoutingFixture;

namespace Gateway.Tests.Routing;

/// <summary>Retries by class, backoff under a fake clock, the deadline, tiers and fallbacks, on the runner itself.</summary>
public sealed class RouteRunnerTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 15, 9, 26, 10, TimeSpan.Zero);

    private static GatewayException ServerError(TimeSpan? retryDelay = null) =>
        new(500, "api_error", "boom", "server_error") { Retryable = true, RetryDelay = retryDelay };

    private static GatewayException ContextTooLong() => new(400, Errors.InvalidRequest, "too long", "context_length_exceeded", "messages");

    [Theory]
    [InlineData(1, 500)]
    [InlineData(2, 1000)]
    [InlineData(3, 2000)]
    [InlineData(4, 4000)]
    [InlineData(5, 8000)]
    [InlineData(9, 8000)]
    public void Backoff_is_full_jitter_under_an_exponential_ceiling(int retry, int ceilingMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(ceilingMs), Backoff.Ceiling(retry));
        Assert.Equal(TimeSpan.Zero, Backoff.Delay(retry, null, new Sequence(0)));
        Assert.Equal(TimeSpan.FromMilliseconds(ceilingMs / 2.0), Backoff.Delay(retry, null, new Sequence(0.5)));
        var high = Backoff.Delay(retry, null, new Sequence(0.999999));
        Assert.InRange(high, TimeSpan.FromMilliseconds(ceilingMs * 0.999), TimeSpan.FromMilliseconds(ceilingMs));
        var seeded = new Seeded(retry);
        for (var i = 0; i < 1_000; i++) Assert.InRange(Backoff.Delay(retry, null, seeded), TimeSpan.Zero, Backoff.Ceiling(retry));
    }

    [Fact]
    public void Backoff_never_waits_less_than_the_upstream_asked()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), Backoff.Delay(1, TimeSpan.FromSeconds(3), new Sequence(0.9)));
        Assert.Equal(TimeSpan.FromMilliseconds(450), Backoff.Delay(1, TimeSpan.FromMilliseconds(100), new Sequence(0.9)));
    }

    [Fact]
    public async Task The_same_deployment_is_retried_after_its_jittered_backoff_and_not_before()
    {
        var clock = new FakeTimeProvider(Start);
        var (router, plan) = Build(clock, new RouterSettings { Retries = new RetrySettings { NumRetries = 2 } }, Deployment("only"));
        var calls = 0;
        var run = router.RunAsync(plan, new RouteTrace(null, clock), _ => ++calls < 3 ? throw ServerError() : Task.FromResult("ok"), default);
        await WaitUntil(() => calls == 1);
        clock.Advance(TimeSpan.FromMilliseconds(249)); // retry 1 waits 0.5 × ceiling 500 ms = 250 ms
        await Settle();
        Assert.Equal(1, calls);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntil(() => calls == 2);
        clock.Advance(TimeSpan.FromMilliseconds(499)); // retry 2: 0.5 × 1000 ms
        await Settle();
        Assert.Equal(2, calls);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("ok", await run);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Retry_after_ms_from_the_upstream_is_honoured()
    {
        var clock = new FakeTimeProvider(Start);
        var (router, plan) = Build(clock, new RouterSettings { Retries = new RetrySettings { NumRetries = 1 } }, Deployment("only"));
        var calls = 0;
        var run = router.RunAsync(plan, new RouteTrace(null, clock), _ => ++calls == 1 ? throw ServerError(TimeSpan.FromSeconds(2)) : Task.FromResult("ok"), default);
        await WaitUntil(() => calls == 1);
        clock.Advance(TimeSpan.FromMilliseconds(1_999));
        await Settle();
        Assert.Equal(1, calls);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("ok", await run);
    }

    [Fact]
    public async Task No_wait_runs_past_the_calls_deadline()
    {
        var clock = new FakeTimeProvider(Start);
        var (router, plan) = Build(clock, new RouterSettings { Timeout = TimeSpan.FromSeconds(1), Retries = new RetrySettings { NumRetries = 3 } }, Deployment("only"));
        var calls = 0;
        var e = await Assert.ThrowsAsync<GatewayException>(() =>
            router.RunAsync<string>(plan, new RouteTrace(null, clock), _ => { calls++; throw ServerError(TimeSpan.FromSeconds(5)); }, default));
        Assert.Equal(500, e.Status);
        Assert.Equal(1, calls); // the upstream asked for 5 s, the call had 1 s: it ends now, with the upstream's error
    }

    [Fact]
    public async Task Another_deployment_is_tried_at_once_and_a_caller_fault_is_not_retried()
    {
        var clock = new FakeTimeProvider(Start);
        var a = Deployment("a", weight: 1000);
        var b = Deployment("b", weight: 1);
        var (router, plan) = Build(clock, new RouterSettings { Retries = new RetrySettings { NumRetries = 3 } }, a, b);
        var tried = new List<string>();
        var result = await router.RunAsync(plan, new RouteTrace(null, clock), d =>
        {
            tried.Add(d.Config.Id);
            return d == a ? throw ServerError() : Task.FromResult("ok");
        }, default);
        Assert.Equal("ok", result);
        Assert.Equal(["a", "b"], tried);

        tried.Clear();
        await Assert.ThrowsAsync<GatewayException>(() => router.RunAsync<string>(plan, new RouteTrace(null, clock), d =>
        {
            tried.Add(d.Config.Id);
            throw new GatewayException(400, Errors.InvalidRequest, "bad", "invalid_value");
        }, default));
        Assert.Single(tried);
    }

    [Fact]
    public async Task Retry_policy_sets_retries_per_class()
    {
        var clock = new FakeTimeProvider(Start);
        var settings = new RouterSettings
        {
            Retries = new RetrySettings { NumRetries = 0, PerClass = new Dictionary<FailureClass, int> { [FailureClass.Credential] = 1 } },
            Cooldowns = new CooldownSettings { Disabled = true },
        };
        var (router, plan) = Build(clock, settings, Deployment("a"), Deployment("b"));
        var calls = 0;
        await Assert.ThrowsAsync<GatewayException>(() => router.RunAsync<string>(plan, new RouteTrace(null, clock), _ => { calls++; throw ServerError(); }, default));
        Assert.Equal(1, calls); // num_retries: 0
        calls = 0;
        var ok = await router.RunAsync(plan, new RouteTrace(null, clock), _ => ++calls == 1
            ? throw new GatewayException(401, "authentication_error", "no", "invalid_api_key")
            : Task.FromResult("ok"), default);
        Assert.Equal(("ok", 2), (ok, calls)); // AuthenticationErrorRetries: 1
    }

    [Fact]
    public async Task Lower_order_tiers_serve_first_and_the_next_tier_only_when_the_first_is_unavailable()
    {
        var clock = new FakeTimeProvider(Start);
        var primary = Deployment("primary", order: 1);
        var backup = Deployment("backup", order: 2, weight: 1000);
        var (router, plan) = Build(clock, new RouterSettings { Cooldowns = new CooldownSettings { AllowedFails = 0 } }, primary, backup);
        for (var i = 0; i < 20; i++)
            Assert.Equal("primary", await router.RunAsync(plan, new RouteTrace(null, clock), d => Task.FromResult(d.Config.Id), default));
        // The primary fails once: allowed_fails 0 cools it; the retry and later calls go to the backup tier.
        var tried = new List<string>();
        Assert.Equal("backup", await router.RunAsync(plan, new RouteTrace(null, clock), d =>
        {
            tried.Add(d.Config.Id);
            return d == primary ? throw ServerError() : Task.FromResult(d.Config.Id);
        }, default));
        Assert.Equal(["primary", "backup"], tried);
        Assert.Equal("backup", await router.RunAsync(plan, new RouteTrace(null, clock), d => Task.FromResult(d.Config.Id), default));
    }

    [Fact]
    public async Task A_context_window_error_goes_to_its_fallback_group_in_one_extra_attempt()
    {
        var clock = new FakeTimeProvider(Start);
        var small1 = Deployment("small-1", group: "small");
        var small2 = Deployment("small-2", group: "small");
        var large = Deployment("large", group: "large");
        var settings = new RouterSettings { Retries = new RetrySettings { NumRetries = 3 } };
        var router = new RouteRunner(clock, new Sequence(0.1), LocalCooldowns.Instance, 5);
        var smallGroup = new ModelGroup("small", [small1, small2], new SimpleShuffleStrategy(new Sequence(0.1)), settings);
        var largeGroup = new ModelGroup("large", [large], new SimpleShuffleStrategy(new Sequence(0.1)), settings);
        var choice = new GroupChoice(null, null);
        var plan = new RoutePlan(smallGroup, choice, [], [(largeGroup, choice)], [], null, false);
        var tried = new List<string>();
        var result = await router.RunAsync(plan, new RouteTrace(null, clock), d =>
        {
            tried.Add(d.Config.Id);
            return d.Config.ModelName == "small" ? throw ContextTooLong() : Task.FromResult(d.Config.Id);
        }, default);
        Assert.Equal("large", result);
        Assert.Equal(["small-1", "large"], tried);
    }

    internal static (RouteRunner Runner, RoutePlan Plan) Build(TimeProvider clock, RouterSettings settings, params Deployment[] ds)
    {
        var group = new ModelGroup("g", ds, new SimpleShuffleStrategy(new Sequence(0.1)), settings);
        var choice = new GroupChoice(null, null);
        return (new RouteRunner(clock, new Sequence(0.5), LocalCooldowns.Instance, settings.Fallbacks.MaxFallbacks),
            new RoutePlan(group, choice, [], [], [], null, false));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }

    /// <summary>Lets continuations that a clock move released run (they would show as an extra call).</summary>
    private static Task Settle() => Task.Delay(50);
}
