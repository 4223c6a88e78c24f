namespace Gateway.Tests.Config;

/// <summary><c>general_settings</c> keys a LiteLLM config carries: Postgres settings, spend-log switches and alerting.</summary>
public sealed class GeneralSettingsTests
{
    [Fact]
    public void Postgres_settings_get_one_info_line_saying_where_state_lives()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            general_settings:
              master_key: sk-1234
              database_url: postgresql://user:secret@db:5432/litellm
              database_connection_pool_limit: 10
              proxy_batch_write_at: 60
            """);

        Assert.Empty(config.Warnings);
        var note = Assert.Single(config.Notices);
        Assert.Equal("line 6: general_settings.database_url, database_connection_pool_limit, proxy_batch_write_at: Postgres is not used; keys, budgets and spend live in the gateway's own store (GATEWAY_STORE: embedded SQLite by default, Azure Table Storage or DynamoDB)", note);
        Assert.DoesNotContain("secret", note);
    }

    [Fact]
    public void Alerting_channels_without_a_url_or_that_this_gateway_does_not_send_to_are_warned_about()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            general_settings:
              alerting: [slack, email]
              alerting_threshold: 300
            """);

        Assert.Equal(["slack"], config.Alerting.Channels);
        Assert.Equal(TimeSpan.FromSeconds(300), config.Alerting.SlowThreshold);
        Assert.Equal([
            "line 5: general_settings.alerting: 'slack' has no URL (SLACK_WEBHOOK_URL is not set); alerts are kept in GET /alerts only",
            "line 5: general_settings.alerting: 'email' is not a channel this gateway sends to (it sends to slack, teams, webhook); ignored",
        ], config.Warnings);
    }

    [Fact]
    public void Disable_spend_logs_is_read_without_a_warning()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            general_settings:
              disable_spend_logs: true
              store_prompts_in_spend_logs: false
            """);

        Assert.True(config.DisableSpendLogs);
        Assert.Empty(config.Warnings);
        Assert.False(ConfigText.Parse("model_list: [{model_name: m, litellm_params: {model: mock/m}}]\ngeneral_settings: {disable_spend_logs: false}\n").DisableSpendLogs);
    }

    [Fact]
    public void Bad_alerting_is_a_problem()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            general_settings:
              alerting: slack
            """);

        Assert.Equal("line 5: general_settings.alerting: must be a list of channel names, e.g. [slack]", problem);
    }
}
