using Gateway.Http;
using Gateway.Routing.Cooldowns;
using Gateway.Routing.Failures;

namespace Gateway.Tests.Routing;

/// <summary>One deployment's breaker: when it opens, for how long, and its single half-open trial.</summary>
public sealed class CircuitBreakerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 15, 9, 26, 10, TimeSpan.Zero);
    private static readonly GatewayException Server = new(500, "api_error", "boom") { Retryable = true };
    private static readonly GatewayException BadRequest = new(400, Errors.InvalidRequest, "bad", "invalid_value");

    [Fact]
    public void It_opens_when_failures_in_a_minute_exceed_allowed_fails_then_lets_exactly_one_trial_through()
    {
        var b = new CircuitBreaker(new CooldownSettings { AllowedFails = 3 });
        for (var i = 0; i < 20; i++) b.Succeeded(T0); // a healthy history keeps the failure rate low
        for (var i = 0; i < 3; i++) Assert.Null(b.Failed(Server, T0));
        Assert.Equal(T0.AddSeconds(5), b.Failed(Server, T0)); // the 4th: out for cooldown_time (5 s)
        Assert.False(b.IsAvailable(T0.AddSeconds(4.9)));
        Assert.False(b.TryEnter(T0.AddSeconds(4.9)));
        Assert.True(b.IsAvailable(T0.AddSeconds(5)));
        Assert.True(b.TryEnter(T0.AddSeconds(5)));           // the trial
        Assert.False(b.IsAvailable(T0.AddSeconds(5)));
        Assert.False(b.TryEnter(T0.AddSeconds(5)));          // only one
        Assert.Equal(T0.AddSeconds(11), b.Failed(Server, T0.AddSeconds(6))); // a failed trial opens it again
        Assert.True(b.TryEnter(T0.AddSeconds(11)));
        b.Succeeded(T0.AddSeconds(11));                     // a good trial closes it
        Assert.True(b.IsAvailable(T0.AddSeconds(11)));
        Assert.Null(b.CooldownUntil);
    }

    [Fact]
    public void A_call_in_flight_when_the_cooldown_began_does_not_close_or_extend_it()
    {
        var b = new CircuitBreaker(new CooldownSettings { AllowedFails = 0 });
        var until = T0.AddSeconds(5);
        b.OpenFromShared(until, T0);             // another instance tripped it
        b.Succeeded(T0.AddSeconds(1));           // a call sent before that answers now
        Assert.False(b.IsAvailable(T0.AddSeconds(1)));
        Assert.Equal(until, b.CooldownUntil);
        Assert.Null(b.Failed(Server, T0.AddSeconds(2))); // a straggler's failure: still out until the same end
        Assert.Equal(until, b.CooldownUntil);
        Assert.True(b.TryEnter(until));          // the trial, once the cooldown is over
        b.Succeeded(until);
        Assert.Null(b.CooldownUntil);
    }

    [Fact]
    public void It_opens_when_more_than_half_of_at_least_five_calls_in_a_minute_fail()
    {
        var b = new CircuitBreaker(new CooldownSettings { AllowedFails = 100 });
        b.Succeeded(T0);
        b.Succeeded(T0);
        Assert.Null(b.Failed(Server, T0));
        Assert.Null(b.Failed(Server, T0)); // 2 of 4: too few calls
        Assert.NotNull(b.Failed(Server, T0)); // 3 of 5
    }

    [Fact]
    public void A_new_minute_starts_the_count_again()
    {
        var b = new CircuitBreaker(new CooldownSettings { AllowedFails = 1 });
        Assert.Null(b.Failed(Server, T0));
        Assert.Null(b.Failed(Server, T0.AddMinutes(1)));
        Assert.NotNull(b.Failed(Server, T0.AddMinutes(1)));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public void An_upstream_401_403_or_404_opens_it_at_once(int status)
    {
        var b = new CircuitBreaker(new CooldownSettings());
        for (var i = 0; i < 10; i++) b.Succeeded(T0);
        Assert.NotNull(b.Failed(new GatewayException(status, "x", "no"), T0));
    }

    [Fact]
    public void Caller_faults_and_context_window_errors_do_not_count_unless_the_policy_names_them()
    {
        var b = new CircuitBreaker(new CooldownSettings { AllowedFails = 0 });
        Assert.Null(b.Failed(BadRequest, T0));
        Assert.Null(b.Failed(new GatewayException(400, Errors.InvalidRequest, "long", "context_length_exceeded"), T0));
        var strict = new CircuitBreaker(new CooldownSettings
        {
            AllowedFailsPerClass = new Dictionary<FailureClass, int> { [FailureClass.CallerFault] = 1, [FailureClass.Transient] = 5 },
        });
        for (var i = 0; i < 10; i++) strict.Succeeded(T0);
        Assert.Null(strict.Failed(BadRequest, T0));
        Assert.NotNull(strict.Failed(BadRequest, T0));
        var lenient = new CircuitBreaker(new CooldownSettings { AllowedFailsPerClass = new Dictionary<FailureClass, int> { [FailureClass.Transient] = 5 } });
        for (var i = 0; i < 20; i++) lenient.Succeeded(T0);
        for (var i = 0; i < 5; i++) Assert.Null(lenient.Failed(Server, T0)); // 5 allowed for this class, above allowed_fails
        Assert.NotNull(lenient.Failed(Server, T0));
    }

    [Fact]
    public void A_disabled_breaker_never_opens_and_a_shared_cooldown_takes_it_out()
    {
        for (var i = 0; i < 50; i++) Assert.Null(CircuitBreaker.Disabled.Failed(Server, T0));
        Assert.True(CircuitBreaker.Disabled.IsAvailable(T0));
        var b = new CircuitBreaker(new CooldownSettings());
        b.OpenFromShared(T0.AddSeconds(3), T0);
        Assert.False(b.IsAvailable(T0.AddSeconds(2)));
        Assert.True(b.TryEnter(T0.AddSeconds(3)));
    }
}
