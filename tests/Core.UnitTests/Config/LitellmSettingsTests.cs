using Gateway.Config;

namespace Gateway.Tests.Config;

/// <summary><c>litellm_settings</c>: gateway-wide defaults for deployments, and settings accepted with a warning that says what happens.</summary>
public sealed class LitellmSettingsTests
{
    [Fact]
    public void Request_timeout_num_retries_and_drop_params_are_defaults_a_deployment_overrides()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: plain
                litellm_params: { model: mock/a }
              - model_name: own
                litellm_params: { model: mock/b, timeout: 5, max_retries: 0, drop_params: false }
            litellm_settings:
              request_timeout: 42
              num_retries: 3
              drop_params: true
              json_logs: true
            """);

        var (plain, own) = (config.Deployments[0], config.Deployments[1]);
        Assert.Equal((TimeSpan.FromSeconds(42), 3, true), (plain.Timeout, plain.MaxRetries, plain.DropUnsupportedParams));
        Assert.Equal((TimeSpan.FromSeconds(5), 0, false), (own.Timeout, own.MaxRetries, own.DropUnsupportedParams));
        Assert.True(config.JsonLogs);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Without_the_section_nothing_changes()
    {
        var config = ConfigText.Parse("model_list:\n  - model_name: m\n    litellm_params: { model: mock/m }\n");

        var d = config.Deployments[0];
        Assert.Equal((DeploymentConfig.DefaultTimeout, 0, false), (d.Timeout, d.MaxRetries, d.DropUnsupportedParams));
        Assert.False(config.JsonLogs);
    }

    [Fact]
    public void Callbacks_and_modify_params_are_accepted_with_warnings_that_say_what_happens_and_the_proxy_budget_is_read()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            litellm_settings:
              success_callback: [langfuse, prometheus]
              failure_callback: [sentry]
              callbacks: custom_callbacks.proxy_handler_instance
              max_budget: 100
              budget_duration: 30d
              modify_params: true
              set_verbose: true
            """);

        Assert.Equal(3, config.Warnings.Count);
        Assert.Contains("litellm_settings: not supported yet; keys ignored: set_verbose", config.Warnings);
        Assert.Contains("litellm_settings: callbacks are not sent anywhere yet (callbacks: custom_callbacks.proxy_handler_instance; success_callback: langfuse, prometheus; failure_callback: sentry); every call is still counted in budgets and spend rollups (/global/spend/*) and logged at /spend/logs unless general_settings.disable_spend_logs is on", config.Warnings);
        Assert.Equal(new Gateway.Keys.SubjectLimits(100m, "30d"), config.ProxyBudget);
        Assert.Equal(Gateway.Limits.BudgetEnforcement.Cap, config.BudgetEnforcement);
        Assert.Contains(config.Warnings, w => w.StartsWith("line 10: litellm_settings.modify_params:", StringComparison.Ordinal));
    }

    [Fact]
    public void Budget_enforcement_is_read_and_a_bad_value_or_duration_is_a_problem()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            litellm_settings:
              budget_enforcement: soft
            """);
        Assert.Equal(Gateway.Limits.BudgetEnforcement.Soft, config.BudgetEnforcement);
        Assert.Null(config.ProxyBudget);

        var e = ConfigText.Fails("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            litellm_settings:
              budget_enforcement: hard
              max_budget: -1
              budget_duration: monthly
            """);
        Assert.Contains("litellm_settings.budget_enforcement: 'hard' must be one of cap, reserve, soft", e.Message);
        Assert.Contains("litellm_settings.max_budget", e.Message);
        Assert.Contains("litellm_settings.budget_duration: 'monthly' is not a duration", e.Message);
    }

    [Fact]
    public void Bad_values_are_problems()
    {
        var e = ConfigText.Fails("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            litellm_settings:
              request_timeout: soon
              num_retries: 1.5
              drop_params: maybe
            """);

        Assert.Equal(3, e.Problems.Count);
        Assert.Contains("line 5: litellm_settings.request_timeout: 'soon' is not a number", e.Problems);
        Assert.Contains("line 6: litellm_settings.num_retries: '1.5' must be a whole number", e.Problems);
        Assert.Contains("line 7: litellm_settings.drop_params: 'maybe' must be true or false", e.Problems);
    }
}
