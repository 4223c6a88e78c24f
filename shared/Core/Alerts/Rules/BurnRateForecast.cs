namespace Gateway.Alerts.Rules;

/// <summary>
/// Projects a subject's spend from its daily history with Holt's linear exponential smoothing (an exponentially weighted
/// level and an exponentially weighted trend), so a steady key projects flat and a ramping key projects its ramp.
/// Inputs: the completed days' spend (oldest first, from the first day with spend), today's spend so far, the spend in
/// the budget window, the budget, and the end of the window. Days ahead are assumed to spend evenly across the day.
/// </summary>
public sealed record BurnRateForecast(double Alpha, double Beta)
{
    /// <summary>Fewer completed days than this and there is no forecast.</summary>
    public const int MinimumDays = 3;
    private const int MaxDaysAhead = 400;

    public ForecastResult? Project(IReadOnlyList<decimal> completedDays, decimal spentToday, decimal windowSpend, decimal budget,
        DateTimeOffset now, DateTimeOffset periodEnd)
    {
        var first = 0;
        while (first < completedDays.Count && completedDays[first] <= 0) first++;
        var days = completedDays.Skip(first).Select(d => (double)d).ToArray();
        if (days.Length < MinimumDays) return null;

        double level = days[0], trend = days[1] - days[0];
        for (var i = 1; i < days.Length; i++)
        {
            var previous = level;
            level = Alpha * days[i] + (1 - Alpha) * (level + trend);
            trend = Beta * (level - previous) + (1 - Beta) * trend;
        }

        var todayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var spent = (double)windowSpend;
        var limit = (double)budget;
        DateTimeOffset? exhausted = spent >= limit ? now : null;
        double? atPeriodEnd = null;
        // Today: what the forecast leaves of today's expected spend, spread over the rest of the day.
        var segmentStart = now;
        var segmentEnd = todayStart.AddDays(1);
        var segmentSpend = Math.Max(0, Expected(level, trend, 1) - (double)spentToday);
        for (var k = 1; k <= MaxDaysAhead; k++)
        {
            var length = (segmentEnd - segmentStart).TotalSeconds;
            if (atPeriodEnd is null && periodEnd <= segmentEnd)
                atPeriodEnd = spent + segmentSpend * Fraction(segmentStart, periodEnd, length);
            if (exhausted is null && segmentSpend > 0 && spent + segmentSpend >= limit)
                exhausted = segmentStart.AddSeconds(length * (limit - spent) / segmentSpend);
            spent += segmentSpend;
            if (atPeriodEnd is not null && exhausted is not null) break;
            segmentStart = segmentEnd;
            segmentEnd = segmentEnd.AddDays(1);
            segmentSpend = Expected(level, trend, k + 1);
        }
        return new ForecastResult(level, trend, (decimal)(atPeriodEnd ?? spent), exhausted, days.Length);
    }

    private static double Expected(double level, double trend, int daysAhead) => Math.Max(0, level + daysAhead * trend);

    private static double Fraction(DateTimeOffset start, DateTimeOffset until, double length) =>
        length <= 0 ? 1 : Math.Clamp((until - start).TotalSeconds / length, 0, 1);
}

/// <summary>
/// A forecast: the smoothed daily spend (<see cref="Level"/>) and its daily change (<see cref="Trend"/>), the spend
/// projected at the end of the period, and when the budget runs out at this rate (null: not within a year).
/// </summary>
public sealed record ForecastResult(double Level, double Trend, decimal ProjectedSpend, DateTimeOffset? ExhaustedAt, int DaysUsed);
