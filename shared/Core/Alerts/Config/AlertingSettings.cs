namespace Gateway.Alerts.Config;

/// <summary>
/// <c>general_settings.alerting</c> and its companions, resolved: which channels send, which alert types run, where each
/// channel posts (URLs are secrets: kept here, never logged, never stored with an alert), and the rules' knobs.
/// </summary>
public sealed record AlertingSettings
{
    public static readonly AlertingSettings Off = new();

    /// <summary>The channels named in <c>alerting</c> that this gateway sends to: <c>slack</c>, <c>teams</c>, <c>webhook</c>.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary><c>alert_types</c>; null: every type.</summary>
    public IReadOnlySet<string>? AlertTypes { get; init; }

    /// <summary><c>alert_to_webhook_url</c>: Slack URLs for one alert type, instead of <see cref="SlackUrls"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> SlackUrlsByType { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary><c>SLACK_WEBHOOK_URL</c> (Discord's Slack-compatible URLs work too).</summary>
    public IReadOnlyList<string> SlackUrls { get; init; } = [];
    /// <summary><c>TEAMS_WEBHOOK_URL</c>: a Teams workflow ("Post to a channel when a webhook request is received").</summary>
    public IReadOnlyList<string> TeamsUrls { get; init; } = [];
    /// <summary><c>WEBHOOK_URL</c>: the generic JSON webhook.</summary>
    public IReadOnlyList<string> WebhookUrls { get; init; } = [];

    /// <summary><c>GATEWAY_WEBHOOK_SIGNING_SECRET</c>: signs webhook bodies (<c>x-gateway-signature</c>); null: sent unsigned.</summary>
    public string? SigningSecret { get; init; }

    /// <summary><c>alerting_threshold</c>: a call slower than this is "too slow" (LiteLLM's default: 300 s).</summary>
    public TimeSpan SlowThreshold { get; init; } = TimeSpan.FromSeconds(300);

    public AlertingArgs Args { get; init; } = new();

    public bool Runs(string alertType) => AlertTypes is null || AlertTypes.Contains(alertType);

    /// <summary>The URLs one channel posts an alert of <paramref name="alertType"/> to.</summary>
    public IReadOnlyList<string> Targets(string channel, string alertType) => channel switch
    {
        AlertChannels.Slack => SlackUrlsByType.TryGetValue(alertType, out var urls) ? urls : SlackUrls,
        AlertChannels.Teams => TeamsUrls,
        AlertChannels.Webhook => WebhookUrls,
        _ => [],
    };
}

/// <summary>
/// <c>alerting_args</c>: LiteLLM's names where they exist (<c>budget_alert_ttl</c>, <c>outage_alert_ttl</c>, ...), and
/// this gateway's rule knobs (budget threshold points, forecast and anomaly settings).
/// </summary>
public sealed record AlertingArgs
{
    /// <summary>Accepted for LiteLLM configs; budget alerts here are once per budget window, level and budget amount.</summary>
    public TimeSpan BudgetAlertTtl { get; init; } = TimeSpan.FromHours(24);
    /// <summary>The dedup period of deployment alerts (too slow): one per deployment per this long.</summary>
    public TimeSpan OutageAlertTtl { get; init; } = TimeSpan.FromSeconds(60);
    public int MinorOutageThreshold { get; init; } = 5;
    public int MajorOutageThreshold { get; init; } = 10;
    public TimeSpan DailyReportFrequency { get; init; } = TimeSpan.FromHours(12);

    /// <summary><c>budget_alert_thresholds</c>: fractions of <c>max_budget</c> that alert (LiteLLM's 85%, 95%, and 100%).</summary>
    public IReadOnlyList<decimal> BudgetThresholds { get; init; } = [0.85m, 0.95m, 1m];

    /// <summary><c>forecast_horizon_days</c>: how far a lifetime budget (no <c>budget_duration</c>) is projected.</summary>
    public int ForecastHorizonDays { get; init; } = 7;
    /// <summary><c>forecast_alpha</c> and <c>forecast_beta</c>: the level and trend smoothing of the daily spend (Holt's method).</summary>
    public double ForecastAlpha { get; init; } = 0.5;
    public double ForecastBeta { get; init; } = 0.3;

    /// <summary><c>anomaly_min_spend</c>: a day below this (USD) is never an anomaly, so tiny keys stay quiet.</summary>
    public decimal AnomalyMinSpend { get; init; } = 5m;
    /// <summary><c>anomaly_z_threshold</c>: the robust z-score over the trailing days that counts as far above the baseline.</summary>
    public double AnomalyZThreshold { get; init; } = 6;
}

/// <summary>The channels this gateway can send to.</summary>
public static class AlertChannels
{
    public const string Slack = "slack";
    public const string Teams = "teams";
    public const string Webhook = "webhook";

    public static readonly string[] All = [Slack, Teams, Webhook];
}

/// <summary>LiteLLM's <c>alert_types</c> names, and this gateway's own two.</summary>
public static class AlertTypes
{
    public const string Budget = "budget_alerts";
    public const string LlmExceptions = "llm_exceptions";
    public const string TooSlow = "llm_too_slow";
    public const string Hanging = "llm_requests_hanging";
    public const string Cooldown = "cooldown_deployment";
    public const string Outage = "outage_alerts";
    public const string FailedTrackingSpend = "failed_tracking_spend";
    public const string DailyReports = "daily_reports";
    public const string SpendReports = "spend_reports";
    public const string Forecast = "forecast_alerts";
    public const string Anomaly = "anomaly_alerts";

    public static readonly string[] All = [Budget, LlmExceptions, TooSlow, Hanging, Cooldown, Outage, FailedTrackingSpend, DailyReports, SpendReports, Forecast, Anomaly];

    /// <summary>The types with rules in this build; the rest are accepted and have nothing to send yet.</summary>
    public static readonly string[] Evaluated = [Budget, TooSlow, Forecast, Anomaly];
}
