using Gateway.Limits;

namespace Gateway.Spend.Retention;

/// <summary>
/// How long spend logs are kept (<c>general_settings.maximum_spend_logs_retention_period</c>) and how often the cleanup
/// runs (<c>maximum_spend_logs_retention_interval</c>). Rollups are never deleted, so spend reports keep the whole
/// history. <see cref="Period"/> null keeps logs forever.
/// </summary>
public sealed record SpendLogRetention(Period? Period, TimeSpan Interval)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromDays(1);

    /// <summary>30 days, cleaned daily: a busy gateway's log stays bounded unless the config says otherwise.</summary>
    public static readonly SpendLogRetention Default = new(new Period(30 * 86_400, 0), DefaultInterval);

    public static readonly SpendLogRetention Forever = new(null, DefaultInterval);

    /// <summary>Logs that started before this instant are expired; null when logs are kept forever.</summary>
    public DateTimeOffset? Cutoff(DateTimeOffset now) => Period switch
    {
        null => null,
        { Months: > 0 } p => now.AddMonths(-p.Months),
        { } p => now.AddSeconds(-p.Seconds),
    };

    /// <summary>The period as a span from <paramref name="from"/> (months are calendar months), for per-item expiry times.</summary>
    public DateTimeOffset? ExpiresAt(DateTimeOffset from) => Period switch
    {
        null => null,
        { Months: > 0 } p => from.AddMonths(p.Months),
        { } p => from.AddSeconds(p.Seconds),
    };
}
