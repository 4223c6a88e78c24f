using System.Text.Json.Nodes;
using Gateway.Config;

namespace Gateway.Tests.Config;

public sealed class GatewayConfigLoaderTests
{
    private const string FullConfig = """
        model_list:
          - model_name: gpt-4o-mini
            litellm_params:
              model: openai/gpt-4o-mini
              api_key: sk-upstream
              organization: org-123
              timeout: 30
              max_retries: 2
              rpm: 100
              tpm: 50000
              weight: 2.5
              extra_headers:
                X-Trace: abc
            model_info:
              id: mini-1
              mode: chat
              max_tokens: 128000
              input_cost_per_token: 0.00000015
              supports_vision: true
              tags: [fast, cheap]
          - model_name: gpt-4o
            litellm_params:
              model: azure/my-gpt-4o-deployment
              api_base: https://my-resource.openai.azure.com/
              api_version: "2024-10-21"
              api_key: azure-key
          - model_name: mock
            litellm_params:
              model: mock/mock-1
              mock_response: hello there
        general_settings:
          master_key: sk-master
          max_request_size_mb: 5
        """;

    [Fact]
    public void Valid_config_reads_every_entry_in_order()
    {
        var config = ConfigText.Parse(FullConfig);

        Assert.Equal("test.yaml", config.Source);
        Assert.Empty(config.Warnings);
        Assert.Equal(["gpt-4o-mini", "gpt-4o", "mock"], config.Deployments.Select(d => d.ModelName));
        Assert.Equal([0, 1, 2], config.Deployments.Select(d => d.Index));
        Assert.Equal(["openai", "azure", "mock"], config.Deployments.Select(d => d.Provider));
        Assert.Equal(["gpt-4o-mini", "my-gpt-4o-deployment", "mock-1"], config.Deployments.Select(d => d.UpstreamModel));
        Assert.Equal("sk-master", config.MasterKey);
        Assert.Equal(5L * 1024 * 1024, config.MaxRequestBytes);
    }

    [Fact]
    public void Openai_entry_keeps_its_litellm_params()
    {
        var d = ConfigText.Parse(FullConfig).Deployments[0];

        Assert.Equal("https://api.openai.com/v1", d.ApiBase);
        Assert.Equal("sk-upstream", d.ApiKey);
        Assert.Equal("org-123", d.Organization);
        Assert.Equal(TimeSpan.FromSeconds(30), d.Timeout);
        Assert.Equal(2, d.MaxRetries);
        Assert.Equal(100, d.Rpm);
        Assert.Equal(50000, d.Tpm);
        Assert.Equal(2.5, d.Weight);
        Assert.Equal("abc", d.ExtraHeaders["x-trace"]);
        Assert.Equal("gpt-4o-mini (openai/gpt-4o-mini)", d.Label);
    }

    [Fact]
    public void Model_info_becomes_typed_json_and_gives_the_id()
    {
        var d = ConfigText.Parse(FullConfig).Deployments[0];

        Assert.Equal("mini-1", d.Id);
        Assert.Equal("chat", d.ModelInfo["mode"]!.GetValue<string>());
        Assert.Equal(128000L, d.ModelInfo["max_tokens"]!.GetValue<long>());
        Assert.Equal(0.00000015, d.ModelInfo["input_cost_per_token"]!.GetValue<double>());
        Assert.True(d.ModelInfo["supports_vision"]!.GetValue<bool>());
        Assert.Equal(["fast", "cheap"], ((JsonArray)d.ModelInfo["tags"]!).Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Azure_entry_trims_the_trailing_slash_of_api_base()
    {
        var d = ConfigText.Parse(FullConfig).Deployments[1];

        Assert.Equal("https://my-resource.openai.azure.com", d.ApiBase);
        Assert.Equal("2024-10-21", d.ApiVersion);
        Assert.Equal("azure-key", d.ApiKey);
        Assert.Equal("gpt-4o#1", d.Id);
    }

    [Fact]
    public void Mock_entry_needs_no_api_base_and_keeps_its_mock_response()
    {
        var d = ConfigText.Parse(FullConfig).Deployments[2];

        Assert.Null(d.ApiBase);
        Assert.Null(d.ApiKey);
        Assert.Equal("hello there", d.MockResponse);
        Assert.Equal(DeploymentConfig.DefaultTimeout, d.Timeout);
        Assert.Equal(0, d.MaxRetries);
        Assert.Null(d.Rpm);
        Assert.Null(d.Weight);
        Assert.Equal(1, d.EffectiveWeight);
    }

    [Fact]
    public void Defaults_apply_without_general_settings()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            """);

        Assert.Null(config.MasterKey);
        Assert.Equal(GatewayConfig.DefaultMaxRequestBytes, config.MaxRequestBytes);
    }

    [Fact]
    public void Os_environ_values_are_read_from_the_environment()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: local
                litellm_params:
                  model: openai/llama
                  api_base: os.environ/LLAMA_BASE
                  api_key: os.environ/LLAMA_KEY
                  timeout: os.environ/LLAMA_TIMEOUT
            general_settings:
              master_key: os.environ/GATEWAY_MASTER_KEY
            """,
            new() { ["LLAMA_BASE"] = "http://10.0.0.7:8000/v1", ["LLAMA_KEY"] = "secret", ["LLAMA_TIMEOUT"] = "12", ["GATEWAY_MASTER_KEY"] = "sk-from-env" });

        var d = Assert.Single(config.Deployments);
        Assert.Equal("http://10.0.0.7:8000/v1", d.ApiBase);
        Assert.Equal("secret", d.ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(12), d.Timeout);
        Assert.Equal("sk-from-env", config.MasterKey);
    }

    [Theory]
    [InlineData("30", 30_000)]
    [InlineData("0.5", 500)]
    [InlineData("600", 600_000)]
    public void Timeout_is_seconds(string timeout, int expectedMs)
    {
        var d = Assert.Single(ConfigText.Parse($$"""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m, timeout: {{timeout}} }
            """).Deployments);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), d.Timeout);
    }

    [Theory]
    [InlineData("1", 1L * 1024 * 1024)]
    [InlineData("2.5", 2_621_440L)]
    [InlineData("0.5", 524_288L)]
    public void Max_request_size_mb_becomes_bytes(string mb, long bytes)
    {
        var config = ConfigText.Parse($$"""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            general_settings:
              max_request_size_mb: {{mb}}
            """);

        Assert.Equal(bytes, config.MaxRequestBytes);
    }

    [Fact]
    public void Max_response_size_mb_defaults_to_32_mb_and_becomes_bytes()
    {
        const string Models = """
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            """;
        Assert.Equal(32L * 1024 * 1024, ConfigText.Parse(Models).MaxResponseBytes);
        Assert.Equal(1_572_864L, ConfigText.Parse(Models + "\ngeneral_settings:\n  max_response_size_mb: 1.5\n").MaxResponseBytes);
    }

    [Theory]
    [InlineData("0", "general_settings.max_response_size_mb: 0 is too small (minimum 0.001)")]
    [InlineData("5000", "general_settings.max_response_size_mb: 5000 is too large (maximum 2000)")]
    [InlineData("lots", "general_settings.max_response_size_mb: 'lots' is not a number")]
    public void Bad_max_response_size_mb_is_a_precise_config_error(string value, string problem)
    {
        var message = ConfigText.SingleProblem($$"""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            general_settings:
              max_response_size_mb: {{value}}
            """);
        Assert.Equal("line 5: " + problem, message);
    }

    [Fact]
    public void Openai_api_key_falls_back_to_OPENAI_API_KEY()
    {
        var d = Assert.Single(ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: openai/gpt-4o-mini }
            """, new() { ["OPENAI_API_KEY"] = "sk-env" }).Deployments);

        Assert.Equal("sk-env", d.ApiKey);
    }

    [Fact]
    public void Explicit_api_key_wins_over_the_provider_variable()
    {
        var d = Assert.Single(ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: openai/gpt-4o-mini, api_key: sk-explicit }
            """, new() { ["OPENAI_API_KEY"] = "sk-env" }).Deployments);

        Assert.Equal("sk-explicit", d.ApiKey);
    }

    [Fact]
    public void Azure_falls_back_to_AZURE_variables()
    {
        var d = Assert.Single(ConfigText.Parse("""
            model_list:
              - model_name: gpt-4o
                litellm_params: { model: azure/dep }
            """,
            new() { ["AZURE_API_KEY"] = "az-key", ["AZURE_API_BASE"] = "https://res.openai.azure.com/", ["AZURE_API_VERSION"] = "2025-01-01-preview" }).Deployments);

        Assert.Equal("az-key", d.ApiKey);
        Assert.Equal("https://res.openai.azure.com", d.ApiBase);
        Assert.Equal("2025-01-01-preview", d.ApiVersion);
    }

    [Fact]
    public void Azure_entry_values_win_over_AZURE_variables()
    {
        var d = Assert.Single(ConfigText.Parse("""
            model_list:
              - model_name: gpt-4o
                litellm_params: { model: azure/dep, api_base: "https://mine.openai.azure.com", api_version: v1, api_key: k }
            """,
            new() { ["AZURE_API_KEY"] = "az-key", ["AZURE_API_BASE"] = "https://env.openai.azure.com", ["AZURE_API_VERSION"] = "2024-10-21" }).Deployments);

        Assert.Equal("k", d.ApiKey);
        Assert.Equal("https://mine.openai.azure.com", d.ApiBase);
        Assert.Equal("v1", d.ApiVersion);
    }

    [Fact]
    public void Openai_does_not_read_azure_variables()
    {
        var d = Assert.Single(ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: openai/gpt-4o }
            """, new() { ["AZURE_API_BASE"] = "https://env.openai.azure.com", ["AZURE_API_VERSION"] = "2024-10-21", ["AZURE_API_KEY"] = "az" }).Deployments);

        Assert.Equal("https://api.openai.com/v1", d.ApiBase);
        Assert.Null(d.ApiVersion);
        Assert.Null(d.ApiKey);
    }

    [Theory]
    [InlineData("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY")]
    [InlineData("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY")]
    [InlineData("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY")]
    [InlineData("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY")]
    [InlineData("ollama", "http://127.0.0.1:11434/v1", null)]
    public void Provider_presets_give_api_base_and_key_variable(string prefix, string apiBase, string? keyVariable)
    {
        var env = keyVariable is null ? new Dictionary<string, string>() : new() { [keyVariable] = "key-" + prefix };
        var d = Assert.Single(ConfigText.Parse($"""
            model_list:
              - model_name: m
                litellm_params:
                  model: {prefix}/some/model
            """, env).Deployments);

        Assert.Equal(prefix, d.Provider);
        Assert.Equal("some/model", d.UpstreamModel);
        Assert.Equal(apiBase, d.ApiBase);
        Assert.Equal(keyVariable is null ? null : "key-" + prefix, d.ApiKey);
    }

    [Fact]
    public void Preset_api_base_can_be_overridden()
    {
        var d = Assert.Single(ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: groq/llama, api_base: "http://proxy.internal:9000/v1/" }
            """).Deployments);

        Assert.Equal("http://proxy.internal:9000/v1", d.ApiBase);
    }

    [Fact]
    public void Provider_settings_are_kept_for_later_providers()
    {
        var d = Assert.Single(ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m, aws_region_name: us-east-1, vertex_project: proj }
            """).Deployments);

        Assert.Equal("us-east-1", d.ProviderSettings["aws_region_name"]);
        Assert.Equal("proj", d.ProviderSettings["vertex_project"]);
        Assert.Equal(2, d.ProviderSettings.Count);
    }

    [Fact]
    public void Deployment_describes_itself_by_index_and_name()
    {
        var config = ConfigText.Parse(FullConfig);

        Assert.Equal("model_list[1] ('gpt-4o')", config.Deployments[1].Describe());
    }
}
