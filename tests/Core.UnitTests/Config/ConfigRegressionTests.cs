using Gateway.Config;
using Gateway.Hosting;

namespace Gateway.Tests.Config;

/// <summary>Inputs that once crashed the loader or the locator instead of producing a clear message.</summary>
public sealed class ConfigRegressionTests
{
    [Fact]
    public void An_absurd_timeout_is_a_problem_not_an_overflow()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m, timeout: 1e12 }
            """);
        Assert.Contains("litellm_params.timeout", problem);
        Assert.Contains("too large", problem);
    }

    [Theory]
    [InlineData("litellm_params")]
    [InlineData("extra_headers")]
    public void Non_scalar_keys_are_problems_not_crashes(string where)
    {
        var yaml = where == "litellm_params"
            ? """
              model_list:
                - model_name: m
                  litellm_params:
                    model: mock/m
                    ? [a, b]
                    : c
              """
            : """
              model_list:
                - model_name: m
                  litellm_params:
                    model: mock/m
                    extra_headers:
                      ? [a, b]
                      : c
              """;
        var problem = ConfigText.SingleProblem(yaml);
        Assert.Contains("keys must be plain names", problem);
    }

    [Fact]
    public void Non_scalar_keys_in_model_info_do_not_crash()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
                model_info:
                  ? [a, b]
                  : c
            """);
        Assert.Single(config.Deployments);
    }

    [Fact]
    public void Environment_variables_section_feeds_os_environ_lookups_without_touching_the_process()
    {
        var name = "GATEWAY_TEST_DECLARED_" + Guid.NewGuid().ToString("N");
        var config = ConfigText.Parse($"""
            environment_variables:
              {name}: sk-declared
            model_list:
              - model_name: m
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_key: os.environ/{name}
            """);
        Assert.Equal("sk-declared", config.Deployments[0].ApiKey);
        Assert.Equal("sk-declared", config.EnvironmentVariables[name]);
        Assert.Null(Environment.GetEnvironmentVariable(name));
    }

    [Fact]
    public void The_real_environment_wins_over_declared_variables()
    {
        var config = ConfigText.Parse("""
            environment_variables:
              OPENAI_API_KEY: sk-from-file
            model_list:
              - model_name: m
                litellm_params: { model: openai/gpt-4o-mini }
            """, new() { ["OPENAI_API_KEY"] = "sk-from-process" });
        Assert.Equal("sk-from-process", config.Deployments[0].ApiKey);
    }

    [Fact]
    public void An_empty_os_environ_name_is_reported()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: openai/x, api_key: os.environ/ }
            """);
        Assert.Contains("names no variable", problem);
    }

    [Fact]
    public void General_settings_that_is_not_a_mapping_is_a_problem()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            general_settings: [master_key]
            """);
        Assert.Contains("general_settings: must be a mapping", problem);
    }

    [Theory]
    [InlineData("--config=")]
    [InlineData("--config")]
    public void A_config_flag_without_a_path_is_a_startup_error(string arg)
    {
        var e = Assert.Throws<StartupException>(() => ConfigLocator.Locate([arg], _ => null));
        Assert.Contains("no config file path given", e.Message);
    }
}
