using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Support;

/// <summary>
/// A gateway clock the test moves itself, for behaviour counted in wall-clock windows (rpm/tpm per UTC minute, the
/// key cache's TTL): no test has to wait for, or dodge, a real minute boundary.
/// </summary>
public static class TestClock
{
    /// <summary>Ten seconds into a UTC minute, so a per-minute window has exactly 50 s left; it moves only when advanced.</summary>
    public static FakeTimeProvider TenSecondsIntoAMinute() => new(new DateTimeOffset(2026, 6, 15, 9, 26, 10, TimeSpan.Zero));

    /// <summary>Registers <paramref name="clock"/> as the gateway's <see cref="TimeProvider"/> (the host adds the system clock first).</summary>
    public static Action<IServiceCollection> Use(TimeProvider clock) => services => services.AddSingleton(clock);
}
