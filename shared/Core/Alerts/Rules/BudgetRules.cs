using System.Globalization;
using Gateway.Alerts.Config;
using Gateway.Alerts.State;
using Gateway.Limits;

namespace Gateway.Alerts.Rules;

/// <summary>
/// Budget thresholds (<c>soft_budget</c>, then LiteLLM's 85%, 95% and 100% of <c>max_budget</c>) and the burn-rate forecast
/// for one subject in its current budget window. Each alert's id names the window, the budget and the level, so it fires
/// once per window, fires again only at a higher level, and re-arms when the window resets or the budget changes.
/// </summary>
public sealed class BudgetRules(AlertingArgs args)
{
    private readonly BurnRateForecast _forecast = new(args.ForecastAlpha, args.ForecastBeta);

    /// <summary>How the subject's window spend is read: rollups since the window began, and the enforcing counter.</summary>
    public static BudgetWindowSpend WindowSpend(BudgetSubject s, SpendHistory history, decimal counterSpend, DateTimeOffset now)
    {
        var start = BudgetWindow.Start(s.Limits.BudgetDuration, now);
        var subDay = Period.TryParse(s.Limits.BudgetDuration, out var p) && p.Months == 0 && p.Seconds < 86400;
        var startDay = start == 0 ? DateOnly.FromDateTime(s.CreatedAt.UtcDateTime) : DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(start).UtcDateTime);
        // Rollups are daily, so a window shorter than a day is read from the counter alone.
        var rolled = subDay ? 0 : history.Range(s.Dimension, s.RollupValue, startDay, history.Today).Sum();
        var end = BudgetWindow.ResetAt(s.Limits.BudgetDuration, now);
        return new BudgetWindowSpend(start, startDay, end, Math.Max(rolled, counterSpend));
    }

    public IEnumerable<AlertRecord> Evaluate(BudgetSubject s, BudgetWindowSpend window, SpendHistory history, DateTimeOffset now)
    {
        var spend = window.Spend;
        if (s.SoftBudget is { } soft && spend >= soft)
            yield return Alert(s, window, now, "soft_budget_crossed", $"soft:{Money(soft)}", spend, s.Limits.MaxBudget,
                $"{s.Name} has spent ${Money(spend)}, past its soft budget of ${Money(soft)}.") with { Details = new() { ["soft_budget"] = Money(soft) } };
        if (s.Limits.MaxBudget is not { } max || max <= 0) yield break;

        var crossed = args.BudgetThresholds.Where(f => spend >= f * max).DefaultIfEmpty(-1).Max();
        if (crossed > 0)
        {
            var percent = Percent(crossed);
            yield return Alert(s, window, now, crossed >= 1 ? "budget_crossed" : "threshold_crossed", percent, spend, max,
                crossed >= 1
                    ? $"{s.Name} has reached its budget: ${Money(spend)} of ${Money(max)}."
                    : $"{s.Name} has spent {percent} of its budget: ${Money(spend)} of ${Money(max)}.") with { Details = new() { ["threshold"] = percent } };
        }

        if (spend < max && Forecast(s, window, history, now) is { ExhaustedAt: { } at } f && at <= window.PeriodEnd(now, args))
            yield return Alert(s, window, now, "projected_limit_exceeded", "forecast", spend, max,
                $"{s.Name} is on course to spend its budget of ${Money(max)} by {at:yyyy-MM-dd HH:mm} UTC (${Money(spend)} so far, about ${Money((decimal)f.Level)} a day and rising ${Money((decimal)f.Trend)} a day).")
                with
                {
                    ProjectedExceededDate = at,
                    ProjectedSpend = decimal.Round(f.ProjectedSpend, 6),
                    Details = new() { ["level_per_day"] = Money((decimal)f.Level), ["trend_per_day"] = Money((decimal)f.Trend), ["days_used"] = f.DaysUsed.ToString(CultureInfo.InvariantCulture) },
                };
    }

    /// <summary>The forecast of this subject's window (also what <c>GET /spend/forecast</c> answers).</summary>
    public ForecastResult? Forecast(BudgetSubject s, BudgetWindowSpend window, SpendHistory history, DateTimeOffset now)
    {
        if (s.Limits.MaxBudget is not { } max) return null;
        var completed = history.Range(s.Dimension, s.RollupValue, history.Today.AddDays(-ForecastHistoryDays), history.Today.AddDays(-1));
        var today = s.RollupValue is null ? history.AllOn(s.Dimension, history.Today) : history.On(s.Dimension, s.RollupValue, history.Today);
        return _forecast.Project(completed, today, window.Spend, max, now, window.PeriodEnd(now, args));
    }

    /// <summary>Completed days the forecast smooths.</summary>
    public const int ForecastHistoryDays = 14;

    public AlertingArgs Args => args;

    private static AlertRecord Alert(BudgetSubject s, BudgetWindowSpend window, DateTimeOffset now, string evt, string level, decimal spend, decimal? max, string message) => new()
    {
        Id = string.Join('|', evt == "projected_limit_exceeded" ? "forecast" : "budget", s.Group, s.Id, window.Start.ToString(CultureInfo.InvariantCulture), max is { } m ? Money(m) : "-", level),
        AlertType = evt == "projected_limit_exceeded" ? AlertTypes.Forecast : AlertTypes.Budget,
        Event = evt,
        EventGroup = s.Group,
        Subject = s.Id,
        Message = message,
        FiredAt = now,
        Spend = spend,
        MaxBudget = max,
        Token = s.Group == AlertGroups.Key ? s.Id : null,
        KeyAlias = s.KeyAlias,
        TeamId = s.TeamId,
        UserId = s.UserId,
        UserEmail = s.UserEmail,
    };

    internal static string Money(decimal d) => decimal.Round(d, 4).ToString("0.####", CultureInfo.InvariantCulture);
    private static string Percent(decimal f) => (f * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}

/// <summary>A subject's current budget window: its start (Unix seconds, 0 for a lifetime budget), first day, reset and spend.</summary>
public sealed record BudgetWindowSpend(long Start, DateOnly StartDay, DateTimeOffset? ResetAt, decimal Spend)
{
    /// <summary>Where a forecast looks to: the window's reset, or for a lifetime budget the forecast horizon.</summary>
    public DateTimeOffset PeriodEnd(DateTimeOffset now, AlertingArgs args) => ResetAt ?? now.AddDays(args.ForecastHorizonDays);
}
