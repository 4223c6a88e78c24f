using Gateway.Alerts.Delivery;
using Gateway.Alerts.Rules;

namespace Gateway.Tests.Alerts;

/// <summary>The forecast (Holt's smoothing), the robust z-score and the webhook signature, on figures worked by hand.</summary>
public sealed class ForecastAndAnomalyMathTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 5, 11, 0, 0, 0, TimeSpan.Zero);
    private static readonly BurnRateForecast Holt = new(0.5, 0.3);

    [Fact]
    public void A_linear_ramp_is_projected_along_the_ramp_and_runs_out_when_the_sum_says()
    {
        // Ten days of 1, 2, ..., 10 dollars: 55 spent. The next days spend 11, 12, 13: 55 + 11 + 12 = 78 at the end of the
        // second day, and 10 more is five-thirteenths into the third.
        var days = Enumerable.Range(1, 10).Select(d => (decimal)d).ToList();
        var f = Holt.Project(days, spentToday: 0, windowSpend: 55, budget: 88, Midnight, Midnight.AddDays(30))!;

        Assert.Equal(10, f.Level, 6);
        Assert.Equal(1, f.Trend, 6);
        var expected = Midnight.AddDays(2).AddDays(10.0 / 13);
        Assert.True(Math.Abs((f.ExhaustedAt!.Value - expected).TotalSeconds) < 1, $"{f.ExhaustedAt} vs {expected}");
    }

    [Fact]
    public void A_flat_history_projects_flat_and_the_period_end_spend_is_counted_to_the_hour()
    {
        var days = Enumerable.Repeat(4m, 10).ToList();
        // Noon, 2 spent today: the rest of today is 2 more, then 4 a day; the period ends 2.5 days from now.
        var noon = Midnight.AddHours(12);
        var f = Holt.Project(days, spentToday: 2, windowSpend: 42, budget: 1000, noon, noon.AddDays(2.5))!;
        Assert.Equal(42 + 2 + 4 + 4m, decimal.Round(f.ProjectedSpend, 6));
        Assert.Equal(noon.AddHours(12).AddDays((1000 - 44) / 4.0), f.ExhaustedAt!.Value, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Fewer_than_three_days_with_spend_is_no_forecast()
    {
        Assert.Null(Holt.Project([0, 0, 0, 5, 6], 0, 11, 20, Midnight, Midnight.AddDays(7)));
        Assert.NotNull(Holt.Project([0, 4, 5, 6], 0, 15, 20, Midnight, Midnight.AddDays(7)));
    }

    [Fact]
    public void One_spike_barely_moves_the_robust_baseline_and_a_flat_baseline_is_floored()
    {
        double[] baseline = [10, 11, 9, 10, 12, 8, 10, 100, 10, 11, 9, 10, 10, 10];
        var (median, mad, z) = RobustZScore.Of(60, baseline);
        Assert.Equal(10, median);
        Assert.Equal(0.5, mad); // floored: five percent of the median
        Assert.Equal(50 / (1.4826 * 0.5), z, 6);

        var flat = Enumerable.Repeat(3.0, 14).ToList();
        Assert.Equal(0, RobustZScore.Of(3, flat).Z);
        Assert.Equal(1 / (1.4826 * 0.15), RobustZScore.Of(4, flat).Z, 6);
    }

    [Fact]
    public void A_signature_verifies_once_and_not_for_another_body_secret_or_an_old_timestamp()
    {
        var body = """{"event":"budget_crossed"}"""u8.ToArray();
        var now = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000);
        var signature = WebhookSigner.Sign("s3cret", now.ToUnixTimeSeconds(), body);
        var ts = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tolerance = TimeSpan.FromMinutes(5);

        Assert.StartsWith("v1=", signature);
        Assert.True(WebhookSigner.Verify("s3cret", ts, signature, body, now.AddMinutes(1), tolerance));
        Assert.False(WebhookSigner.Verify("other", ts, signature, body, now, tolerance));
        Assert.False(WebhookSigner.Verify("s3cret", ts, signature, """{"event":"budget_crossed "}"""u8.ToArray(), now, tolerance));
        Assert.False(WebhookSigner.Verify("s3cret", ts, signature, body, now.AddMinutes(6), tolerance));
        Assert.False(WebhookSigner.Verify("s3cret", (now.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body, now, tolerance));
    }
}
