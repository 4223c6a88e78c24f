using Gateway.Spend.Retention;
using Gateway.Tests.Config;

namespace Gateway.Tests.Spend.Retention;

/// <summary>The two retention keys of <c>general_settings</c>, in LiteLLM's duration syntax, and their defaults.</summary>
public sealed class RetentionConfigTests
{
    private const string Models = """
        model_list:
          - model_name: m
            litellm_params: { model: mock/m }
        """;

    private static SpendLogRetention Read(string general) => ConfigText.Parse(Models + "\ngeneral_settings:\n" + general).SpendLogRetention;

    [Fact]
    public void Without_the_keys_logs_are_kept_30_days_and_cleaned_daily()
    {
        var config = ConfigText.Parse(Models);
        Assert.Equal(SpendLogRetention.Default, config.SpendLogRetention);
        var now = new DateTimeOffset(2026, 3, 31, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(now.AddDays(-30), config.SpendLogRetention.Cutoff(now));
        Assert.Equal(TimeSpan.FromDays(1), config.SpendLogRetention.Interval);
    }

    [Theory]
    [InlineData("7d", 7 * 86_400)]
    [InlineData("24h", 86_400)]
    [InlineData("60m", 3_600)]
    [InlineData("3600s", 3_600)]
    [InlineData("2w", 14 * 86_400)]
    public void The_period_takes_litellms_durations(string text, long seconds)
    {
        var retention = Read($"  maximum_spend_logs_retention_period: \"{text}\"\n  maximum_spend_logs_retention_interval: 6h\n");
        var now = new DateTimeOffset(2026, 3, 31, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(now.AddSeconds(-seconds), retention.Cutoff(now));
        Assert.Equal(TimeSpan.FromHours(6), retention.Interval);
        Assert.Empty(ConfigText.Parse(Models + $"\ngeneral_settings:\n  maximum_spend_logs_retention_period: {text}\n").Warnings);
    }

    [Fact]
    public void Months_are_calendar_months_and_forever_keeps_everything()
    {
        var now = new DateTimeOffset(2026, 3, 31, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 12, 0, 0, TimeSpan.Zero), Read("  maximum_spend_logs_retention_period: 1mo\n").Cutoff(now));
        var forever = Read("  maximum_spend_logs_retention_period: forever\n");
        Assert.Null(forever.Cutoff(now));
        Assert.Null(forever.ExpiresAt(now));
    }

    [Theory]
    [InlineData("maximum_spend_logs_retention_period: 30 days", "maximum_spend_logs_retention_period: '30 days' is not a duration")]
    [InlineData("maximum_spend_logs_retention_period: 30m", "at least 1h")]
    [InlineData("maximum_spend_logs_retention_period: -1d", "is not a duration")]
    [InlineData("maximum_spend_logs_retention_interval: 10s", "maximum_spend_logs_retention_interval: '10s' is not a duration of at least 1m")]
    [InlineData("maximum_spend_logs_retention_interval: 1mo", "maximum_spend_logs_retention_interval")]
    [InlineData("maximum_spend_logs_retention_interval: [1d]", "must be a single value")]
    public void A_bad_value_stops_start_up_naming_the_key_and_line(string line, string expected)
    {
        var problem = ConfigText.SingleProblem(Models + "\ngeneral_settings:\n  " + line + "\n");
        Assert.Contains("line 5", problem);
        Assert.Contains(expected, problem);
    }
}
