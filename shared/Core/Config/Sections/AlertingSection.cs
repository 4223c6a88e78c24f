using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Alerts.Config;
using Gateway.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary>
/// The alerting keys of <c>general_settings</c>, by LiteLLM's names: <c>alerting</c>, <c>alert_types</c>,
/// <c>alert_to_webhook_url</c>, <c>alerting_threshold</c>, <c>alerting_args</c>; channel URLs from <c>SLACK_WEBHOOK_URL</c>,
/// <c>TEAMS_WEBHOOK_URL</c> and <c>WEBHOOK_URL</c>, and the webhook signing secret from <c>GATEWAY_WEBHOOK_SIGNING_SECRET</c>.
/// </summary>
internal sealed class AlertingSection(YamlFields fields, ConfigDiagnostics report, ConfigEnvironment env)
{
    public static readonly string[] Keys = ["alerting", "alerting_threshold", "alert_types", "alert_to_webhook_url", "alerting_args"];

    public const string SigningSecretVariable = "GATEWAY_WEBHOOK_SIGNING_SECRET";

    private static readonly HashSet<string> ArgKeys =
    [
        "budget_alert_ttl", "outage_alert_ttl", "region_outage_alert_ttl", "minor_outage_alert_threshold", "major_outage_alert_threshold",
        "max_outage_alert_list_size", "daily_report_frequency", "report_check_interval", "log_to_console",
        "budget_alert_thresholds", "forecast_horizon_days", "forecast_alpha", "forecast_beta", "anomaly_min_spend", "anomaly_z_threshold",
    ];

    public AlertingSettings Read(YamlMappingNode? general)
    {
        var settings = new AlertingSettings
        {
            SlackUrls = Urls(env.Get("SLACK_WEBHOOK_URL")),
            TeamsUrls = Urls(env.Get("TEAMS_WEBHOOK_URL")),
            WebhookUrls = Urls(env.Get("WEBHOOK_URL")),
            SigningSecret = env.Get(SigningSecretVariable) is { Length: > 0 } secret ? secret : null,
        };
        if (general is null) return settings;
        if (fields.OptionalNumber(general, "alerting_threshold", "general_settings.alerting_threshold", min: 0.001) is { } seconds)
            settings = settings with { SlowThreshold = TimeSpan.FromSeconds(seconds) };
        settings = settings with
        {
            AlertTypes = ReadTypes(general),
            SlackUrlsByType = ReadUrlsByType(general),
            Args = ReadArgs(general),
        };
        return settings with { Channels = ReadChannels(general, settings) };
    }

    private List<string> ReadChannels(YamlMappingNode general, AlertingSettings settings)
    {
        if (YamlFields.Child(general, "alerting") is not { } node || YamlValues.IsNull(node)) return [];
        if (Strings(node, "general_settings.alerting", "a list of channel names, e.g. [slack]") is not { } named) return [];
        var channels = new List<string>();
        foreach (var name in named.Distinct(StringComparer.Ordinal))
        {
            if (!AlertChannels.All.Contains(name))
            {
                report.Warning(node, $"general_settings.alerting: '{name}' is not a channel this gateway sends to (it sends to {string.Join(", ", AlertChannels.All)}); ignored");
                continue;
            }
            var hasUrl = settings.Targets(name, "").Count > 0 || (name == AlertChannels.Slack && settings.SlackUrlsByType.Count > 0);
            if (!hasUrl)
                report.Warning(node, $"general_settings.alerting: '{name}' has no URL ({name switch { AlertChannels.Slack => "SLACK_WEBHOOK_URL", AlertChannels.Teams => "TEAMS_WEBHOOK_URL", _ => "WEBHOOK_URL" }} is not set); alerts are kept in GET /alerts only");
            if (name == AlertChannels.Webhook && settings.SigningSecret is null)
                report.Warning(node, $"general_settings.alerting: webhook bodies go unsigned: set {SigningSecretVariable} so receivers can check x-gateway-signature");
            channels.Add(name);
        }
        return channels;
    }

    private HashSet<string>? ReadTypes(YamlMappingNode general)
    {
        if (YamlFields.Child(general, "alert_types") is not { } node || YamlValues.IsNull(node)) return null;
        if (Strings(node, "general_settings.alert_types", "a list of alert types, e.g. [budget_alerts]") is not { } types) return null;
        foreach (var t in types.Where(t => !AlertTypes.All.Contains(t)))
            report.Problem(node, $"general_settings.alert_types: '{t}' is not an alert type; use {string.Join(", ", AlertTypes.All)}");
        foreach (var t in types.Where(t => AlertTypes.All.Contains(t) && !AlertTypes.Evaluated.Contains(t)))
            report.Warning(node, $"general_settings.alert_types: '{t}' has no rule in this gateway yet; nothing is sent for it");
        return [.. types];
    }

    private Dictionary<string, IReadOnlyList<string>> ReadUrlsByType(YamlMappingNode general)
    {
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (YamlFields.Child(general, "alert_to_webhook_url") is not { } node || YamlValues.IsNull(node)) return map;
        if (fields.Json(node, "general_settings.alert_to_webhook_url") is not JsonObject obj)
        {
            report.Problem(node, "general_settings.alert_to_webhook_url: must map alert types to a URL or a list of URLs");
            return map;
        }
        foreach (var (type, value) in obj)
        {
            if (!AlertTypes.All.Contains(type))
            {
                report.Problem(node, $"general_settings.alert_to_webhook_url: '{type}' is not an alert type");
                continue;
            }
            var urls = value switch
            {
                JsonArray list => list.Select(u => u?.ToString() ?? "").ToList(),
                JsonValue v => [v.ToString()],
                _ => [],
            };
            // The URL is a secret: the message names the type, never the value.
            if (urls.Count == 0 || urls.Any(u => !IsHttpUrl(u)))
                report.Problem(node, $"general_settings.alert_to_webhook_url.{type}: each value must be an http(s) URL (or os.environ/NAME holding one)");
            else map[type] = urls;
        }
        return map;
    }

    private AlertingArgs ReadArgs(YamlMappingNode general)
    {
        var args = new AlertingArgs();
        var node = YamlFields.Child(general, "alerting_args");
        if (node is null || YamlValues.IsNull(node)) return args;
        if (node is not YamlMappingNode map)
        {
            report.Problem(node, "general_settings.alerting_args: must be a mapping (budget_alert_ttl, outage_alert_ttl, ...)");
            return args;
        }
        fields.WarnUnknown(map, ArgKeys, "general_settings.alerting_args.");
        const string p = "general_settings.alerting_args.";
        TimeSpan? Seconds(string key) => fields.OptionalNumber(map, key, p + key, min: 1) is { } s ? TimeSpan.FromSeconds(s) : null;
        int? Whole(string key) => fields.OptionalNumber(map, key, p + key, min: 1, max: 1_000_000, integer: true) is { } n ? (int)n : null;

        args = args with
        {
            BudgetAlertTtl = Seconds("budget_alert_ttl") ?? args.BudgetAlertTtl,
            OutageAlertTtl = Seconds("outage_alert_ttl") ?? args.OutageAlertTtl,
            DailyReportFrequency = Seconds("daily_report_frequency") ?? args.DailyReportFrequency,
            MinorOutageThreshold = Whole("minor_outage_alert_threshold") ?? args.MinorOutageThreshold,
            MajorOutageThreshold = Whole("major_outage_alert_threshold") ?? args.MajorOutageThreshold,
            ForecastHorizonDays = fields.OptionalNumber(map, "forecast_horizon_days", p + "forecast_horizon_days", min: 1, max: 366, integer: true) is { } h ? (int)h : args.ForecastHorizonDays,
            ForecastAlpha = fields.OptionalNumber(map, "forecast_alpha", p + "forecast_alpha", min: 0.01, max: 1) ?? args.ForecastAlpha,
            ForecastBeta = fields.OptionalNumber(map, "forecast_beta", p + "forecast_beta", min: 0, max: 1) ?? args.ForecastBeta,
            AnomalyMinSpend = fields.OptionalNumber(map, "anomaly_min_spend", p + "anomaly_min_spend", min: 0) is { } m ? (decimal)m : args.AnomalyMinSpend,
            AnomalyZThreshold = fields.OptionalNumber(map, "anomaly_z_threshold", p + "anomaly_z_threshold", min: 1) ?? args.AnomalyZThreshold,
        };
        if (args.MajorOutageThreshold < args.MinorOutageThreshold)
            report.Problem(map, $"{p}major_outage_alert_threshold: must be at least minor_outage_alert_threshold ({args.MinorOutageThreshold})");
        if (YamlFields.Child(map, "budget_alert_thresholds") is { } t && !YamlValues.IsNull(t))
        {
            var values = Strings(t, p + "budget_alert_thresholds", "a list")?.Select(s => decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : -1).ToList();
            if (values is null || values.Count == 0 || values.Any(v => v <= 0 || v > 10))
                report.Problem(t, $"{p}budget_alert_thresholds: must be a list of fractions of max_budget, e.g. [0.5, 0.85, 1]");
            else args = args with { BudgetThresholds = [.. values.Distinct().Order()] };
        }
        return args;
    }

    private List<string>? Strings(YamlNode node, string field, string expected)
    {
        if (fields.Json(node, field) is JsonArray list) return [.. list.Select(c => c?.ToString() ?? "").Where(c => c.Length > 0)];
        report.Problem(node, $"{field}: must be {expected}");
        return null;
    }

    private static List<string> Urls(string? value) =>
        value is { Length: > 0 } v ? [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : [];

    private static bool IsHttpUrl(string s) => Uri.TryCreate(s, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp);
}
