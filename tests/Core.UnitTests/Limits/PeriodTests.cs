using Gateway.Http;
using Gateway.Keys;

using Gateway.Limits;

namespace Gateway.Tests.Keys;

/// <summary>Budget and rate windows: aligned to their length in UTC, calendar months for <c>mo</c>.</summary>
public sealed class PeriodTests
{
    [Theory]
    [InlineData("30s", "2026-11-25T13:47:31Z", "2026-11-25T13:47:30Z", "2026-11-25T13:48:00Z")]
    [InlineData("1h", "2026-11-25T13:47:31Z", "2026-11-25T13:00:00Z", "2026-11-25T14:00:00Z")]
    [InlineData("1d", "2026-11-25T13:47:31Z", "2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z")]
    [InlineData("1mo", "2026-11-25T13:47:31Z", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z")]
    [InlineData("1mo", "2026-12-31T23:59:59Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("3mo", "2026-11-25T13:47:31Z", "2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    public void Windows_are_aligned_in_utc(string duration, string now, string start, string end)
    {
        Assert.True(Period.TryParse(duration, out var p));
        var t = DateTimeOffset.Parse(now);
        Assert.Equal(DateTimeOffset.Parse(start).ToUnixTimeSeconds(), p.WindowStart(t));
        Assert.Equal(DateTimeOffset.Parse(end).ToUnixTimeSeconds(), p.WindowEnd(t));
    }

    [Theory]
    [InlineData("")]
    [InlineData("d")]
    [InlineData("0d")]
    [InlineData("5y")]
    [InlineData("-1h")]
    public void Bad_durations_are_a_400_naming_the_field(string text)
    {
        var e = Assert.Throws<GatewayException>(() => Period.ParseField(text, "budget_duration"));
        Assert.Equal(400, e.Status);
        Assert.Equal("budget_duration", e.Param);
    }

    [Fact]
    public void Money_rounds_reservations_up_to_whole_nanodollars()
    {
        Assert.Equal(1, Money.ToNanos(0.0000000001m));
        Assert.Equal(1_500_000_000, Money.ToNanos(1.5m));
        Assert.Equal(0.000000001m, Money.FromNanos(1));
    }
}
