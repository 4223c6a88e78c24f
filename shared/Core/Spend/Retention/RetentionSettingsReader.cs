using Gateway.Config;
using Gateway.Config.Yaml;
using Gateway.Limits;
using YamlDotNet.RepresentationModel;

namespace Gateway.Spend.Retention;

/// <summary>
/// Reads the two retention keys of <c>general_settings</c> in LiteLLM's duration syntax (<c>30d</c>, <c>24h</c>, <c>60m</c>,
/// <c>3600s</c>; also <c>w</c> and <c>mo</c>). The period may also be <c>forever</c> to keep every log.
/// </summary>
internal static class RetentionSettingsReader
{
    public const string PeriodKey = "maximum_spend_logs_retention_period";
    public const string IntervalKey = "maximum_spend_logs_retention_interval";

    private static readonly TimeSpan MinPeriod = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(1);

    public static SpendLogRetention Read(YamlFields fields, YamlMappingNode general, ConfigDiagnostics report)
    {
        var retention = SpendLogRetention.Default;
        if (fields.OptionalString(general, PeriodKey, "general_settings." + PeriodKey) is { } periodText)
        {
            if (periodText.Trim().Equals("forever", StringComparison.OrdinalIgnoreCase))
                retention = retention with { Period = null };
            else if (Duration(periodText, MinPeriod) is { } period)
                retention = retention with { Period = period };
            else
                report.Problem(YamlFields.Child(general, PeriodKey)!,
                    $"general_settings.{PeriodKey}: '{periodText}' is not a duration of at least 1h; use a number and s, m, h, d, w or mo (e.g. 30d), or forever");
        }
        if (fields.OptionalString(general, IntervalKey, "general_settings." + IntervalKey) is { } intervalText)
        {
            if (Duration(intervalText, MinInterval) is { Months: 0 } interval)
                retention = retention with { Interval = TimeSpan.FromSeconds(interval.Seconds) };
            else
                report.Problem(YamlFields.Child(general, IntervalKey)!,
                    $"general_settings.{IntervalKey}: '{intervalText}' is not a duration of at least 1m; use a number and s, m, h, d or w (e.g. 1d)");
        }
        return retention;
    }

    private static Period? Duration(string text, TimeSpan min) =>
        Period.TryParse(text, out var p) && (p.Months > 0 || p.Seconds >= (long)min.TotalSeconds) ? p : null;
}
