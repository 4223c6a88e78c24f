using System.Globalization;
using Gateway.Alerts.Config;
using Gateway.Alerts.State;
using Gateway.Spend.Ingest;

namespace Gateway.Alerts.Rules;

/// <summary>
/// A day's spend far above the subject's own baseline: the robust z-score of the day against the 14 days before it, for
/// a key, team or model. The baseline starts at the subject's first day with spend; quiet unless it is at least a week
/// long with spend on at least half its days (a new or mostly idle subject has no baseline to be far from) and the day
/// reaches <c>anomaly_min_spend</c> (tiny keys). One alert per subject and day.
/// </summary>
public sealed class AnomalyRule(AlertingArgs args)
{
    public const int BaselineDays = 14;
    public const int MinimumBaselineDays = 7;

    public AlertRecord? Evaluate(string dimension, string value, DateOnly day, SpendHistory history, DateTimeOffset now, string? keyAlias = null)
    {
        var spend = history.On(dimension, value, day);
        if (spend < args.AnomalyMinSpend) return null;
        var baseline = history.Range(dimension, value, day.AddDays(-BaselineDays), day.AddDays(-1)).SkipWhile(d => d <= 0).Select(d => (double)d).ToList();
        if (baseline.Count < MinimumBaselineDays || 2 * baseline.Count(d => d > 0) < baseline.Count) return null;
        var (median, mad, z) = RobustZScore.Of((double)spend, baseline);
        if (z < args.AnomalyZThreshold) return null;

        var group = dimension switch { SpendDimensions.Key => AlertGroups.Key, SpendDimensions.Team => AlertGroups.Team, _ => AlertGroups.Model };
        var name = group == AlertGroups.Key ? keyAlias is { Length: > 0 } a ? $"key '{a}'" : $"key {value[..Math.Min(12, value.Length)]}" : $"{group} '{value}'";
        var dayText = SpendDimensions.DayText(day);
        return new AlertRecord
        {
            Id = string.Join('|', "anomaly", group, value, dayText),
            AlertType = AlertTypes.Anomaly,
            Event = "spend_anomaly",
            EventGroup = group,
            Subject = value,
            Message = $"{name} spent ${BudgetRules.Money(spend)} on {dayText}, against a usual ${BudgetRules.Money((decimal)median)} a day (robust z-score {z.ToString("0.#", CultureInfo.InvariantCulture)} over the {baseline.Count} days before).",
            FiredAt = now,
            Spend = spend,
            Token = group == AlertGroups.Key ? value : null,
            KeyAlias = keyAlias,
            TeamId = group == AlertGroups.Team ? value : null,
            Details = new()
            {
                ["day"] = dayText,
                ["baseline_median"] = BudgetRules.Money((decimal)median),
                ["baseline_mad"] = BudgetRules.Money((decimal)mad),
                ["z_score"] = z.ToString("0.##", CultureInfo.InvariantCulture),
            },
        };
    }
}
