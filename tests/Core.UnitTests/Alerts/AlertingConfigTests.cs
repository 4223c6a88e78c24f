using Gateway.Alerts.Config;
using Gateway.Tests.Config;

namespace Gateway.Tests.Alerts;

/// <summary><c>general_settings</c>' alerting keys by LiteLLM's names, URLs from the environment, and what is refused.</summary>
public sealed class AlertingConfigTests
{
    private const string Models = """
        model_list:
          - model_name: m
            litellm_params: { model: mock/m }
        """;

    [Fact]
    public void Every_key_is_read_and_urls_come_from_the_environment_or_os_environ()
    {
        var config = ConfigText.Parse(Models + """

            general_settings:
              alerting: [slack, teams, webhook]
              alerting_threshold: 120
              alert_types: [budget_alerts, forecast_alerts, anomaly_alerts]
              alert_to_webhook_url:
                budget_alerts: os.environ/BUDGET_SLACK
                anomaly_alerts: [https://hooks.slack.com/services/a, https://hooks.slack.com/services/b]
              alerting_args:
                budget_alert_ttl: 3600
                outage_alert_ttl: 120
                minor_outage_alert_threshold: 3
                major_outage_alert_threshold: 6
                daily_report_frequency: 86400
                budget_alert_thresholds: [0.5, 0.9, 1]
                forecast_horizon_days: 10
                anomaly_min_spend: 2.5
                anomaly_z_threshold: 8
            """, new()
        {
            ["SLACK_WEBHOOK_URL"] = "https://hooks.slack.com/services/main",
            ["TEAMS_WEBHOOK_URL"] = "https://prod.westus.logic.azure.com/workflows/x",
            ["WEBHOOK_URL"] = "https://hooks.example.com/a, https://hooks.example.com/b",
            ["GATEWAY_WEBHOOK_SIGNING_SECRET"] = "whsec-test",
            ["BUDGET_SLACK"] = "https://hooks.slack.com/services/budget",
        });

        var a = config.Alerting;
        Assert.Empty(config.Warnings);
        Assert.Equal(["slack", "teams", "webhook"], a.Channels);
        Assert.Equal(TimeSpan.FromSeconds(120), a.SlowThreshold);
        Assert.True(a.Runs(AlertTypes.Forecast));
        Assert.False(a.Runs(AlertTypes.TooSlow));
        Assert.Equal(["https://hooks.slack.com/services/budget"], a.Targets(AlertChannels.Slack, AlertTypes.Budget));
        Assert.Equal(2, a.Targets(AlertChannels.Slack, AlertTypes.Anomaly).Count);
        Assert.Equal(["https://hooks.slack.com/services/main"], a.Targets(AlertChannels.Slack, AlertTypes.Forecast));
        Assert.Equal(["https://hooks.example.com/a", "https://hooks.example.com/b"], a.Targets(AlertChannels.Webhook, AlertTypes.Budget));
        Assert.Equal("whsec-test", a.SigningSecret);
        Assert.Equal(TimeSpan.FromHours(1), a.Args.BudgetAlertTtl);
        Assert.Equal(TimeSpan.FromSeconds(120), a.Args.OutageAlertTtl);
        Assert.Equal((3, 6), (a.Args.MinorOutageThreshold, a.Args.MajorOutageThreshold));
        Assert.Equal(TimeSpan.FromDays(1), a.Args.DailyReportFrequency);
        Assert.Equal([0.5m, 0.9m, 1m], a.Args.BudgetThresholds);
        Assert.Equal(10, a.Args.ForecastHorizonDays);
        Assert.Equal(2.5m, a.Args.AnomalyMinSpend);
        Assert.Equal(8, a.Args.AnomalyZThreshold);
    }

    [Theory]
    [InlineData("alert_types: [budget_alerts, money_alerts]", "general_settings.alert_types: 'money_alerts' is not an alert type")]
    [InlineData("alert_to_webhook_url: { budget_alerts: not-a-url }", "general_settings.alert_to_webhook_url.budget_alerts: each value must be an http(s) URL")]
    [InlineData("alert_to_webhook_url: { nonsense: https://x.example }", "general_settings.alert_to_webhook_url: 'nonsense' is not an alert type")]
    [InlineData("alerting_args: { budget_alert_thresholds: [0.5, -1] }", "general_settings.alerting_args.budget_alert_thresholds: must be a list of fractions")]
    [InlineData("alerting_args: { minor_outage_alert_threshold: 9, major_outage_alert_threshold: 3 }", "major_outage_alert_threshold: must be at least minor_outage_alert_threshold")]
    [InlineData("alerting_threshold: -5", "general_settings.alerting_threshold: -5 is too small")]
    public void Bad_values_are_problems_that_name_the_field_and_never_echo_a_url(string line, string expected)
    {
        var problem = ConfigText.SingleProblem(Models + "\ngeneral_settings:\n  " + line + "\n");
        Assert.Contains(expected, problem);
        Assert.DoesNotContain("not-a-url", problem);
    }

    [Fact]
    public void A_webhook_without_a_signing_secret_is_sent_unsigned_and_the_warning_says_so()
    {
        var config = ConfigText.Parse(Models + "\ngeneral_settings:\n  alerting: [webhook]\n", new() { ["WEBHOOK_URL"] = "https://hooks.example.com/x" });
        Assert.Equal("line 5: general_settings.alerting: webhook bodies go unsigned: set GATEWAY_WEBHOOK_SIGNING_SECRET so receivers can check x-gateway-signature",
            Assert.Single(config.Warnings));
    }
}
