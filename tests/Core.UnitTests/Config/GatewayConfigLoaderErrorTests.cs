using Gateway.Config;

namespace Gateway.Tests.Config;

public sealed class GatewayConfigLoaderErrorTests
{
    [Fact]
    public void Missing_environment_variable_names_entry_field_and_variable()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_key: os.environ/MY_OPENAI_KEY
            """);

        Assert.Contains("line 5", problem);
        Assert.Contains("model_list[0] ('gpt-4o').litellm_params.api_key", problem);
        Assert.Contains("MY_OPENAI_KEY", problem);
        Assert.Contains("not set", problem);
    }

    [Fact]
    public void Empty_environment_variable_counts_as_missing()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            general_settings:
              master_key: os.environ/GATEWAY_MASTER_KEY
            """, new() { ["GATEWAY_MASTER_KEY"] = "" });

        Assert.Contains("general_settings.master_key", problem);
        Assert.Contains("GATEWAY_MASTER_KEY", problem);
    }

    [Fact]
    public void Missing_model_list_is_an_error()
    {
        var problem = ConfigText.SingleProblem("""
            general_settings:
              master_key: sk-1
            """);

        Assert.StartsWith("model_list: missing", problem);
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        var problem = ConfigText.SingleProblem("# only a comment\n");

        Assert.Contains("empty", problem);
    }

    [Fact]
    public void Empty_model_list_is_an_error()
    {
        var problem = ConfigText.SingleProblem("model_list: []\n");

        Assert.Contains("model_list: is empty", problem);
        Assert.StartsWith("line 1: ", problem);
    }

    [Fact]
    public void Model_list_that_is_not_a_list_is_an_error()
    {
        var problem = ConfigText.SingleProblem("model_list:\n  model_name: m\n");

        Assert.Contains("model_list: must be a list", problem);
    }

    [Fact]
    public void Entry_without_model_name_is_an_error()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: ok
                litellm_params: { model: mock/m }
              - litellm_params: { model: mock/m }
            """);

        Assert.Equal("line 4: model_list[1].model_name: missing; it is the name clients send as 'model'", problem);
    }

    [Fact]
    public void Entry_without_litellm_params_is_an_error()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
            """);

        Assert.Contains("model_list[0] ('m').litellm_params: missing", problem);
    }

    [Fact]
    public void Model_without_provider_prefix_lists_known_providers()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: private
                litellm_params:
                  model: acme-private-7b
            """);

        Assert.StartsWith("line 4: model_list[0] ('private').litellm_params.model: 'acme-private-7b' needs a provider prefix (none could be inferred", problem);
        foreach (var provider in new[] { "openai", "azure", "mock", "groq", "hosted_vllm" })
            Assert.Contains(provider, problem[problem.IndexOf("provider from:", StringComparison.Ordinal)..]);
    }

    [Theory]
    [InlineData("openai/")]
    [InlineData("/gpt-4o")]
    public void Model_with_empty_prefix_or_name_is_an_error(string model)
    {
        var problem = ConfigText.SingleProblem($"""
            model_list:
              - model_name: m
                litellm_params:
                  model: "{model}"
            """);

        Assert.Contains("needs a provider prefix", problem);
    }

    [Fact]
    public void Unknown_provider_is_an_error()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params:
                  model: cohere_x/command
            """);

        Assert.Contains("model_list[0] ('m').litellm_params.model: provider 'cohere_x' is not supported; use one of: openai, azure, mock", problem);
        Assert.StartsWith("line 4: ", problem);
    }

    [Theory]
    [InlineData("timeout", "abc", "'abc' is not a number")]
    [InlineData("timeout", "0", "too small")]
    [InlineData("timeout", "-5", "too small")]
    [InlineData("max_retries", "-1", "-1 is too small (minimum 0)")]
    [InlineData("max_retries", "1.5", "'1.5' must be a whole number")]
    [InlineData("rpm", "2.5", "'2.5' must be a whole number")]
    [InlineData("rpm", "many", "'many' is not a number")]
    [InlineData("rpm", "0", "too small (minimum 1)")]
    [InlineData("tpm", "1e3.5", "is not a number")]
    [InlineData("weight", "0", "too small")]
    [InlineData("timeout", ".nan", "is not a number")]
    public void Bad_numbers_name_the_field(string field, string value, string expected)
    {
        var problem = ConfigText.SingleProblem($"""
            model_list:
              - model_name: m
                litellm_params:
                  model: mock/m
                  {field}: {value}
            """);

        Assert.StartsWith($"line 5: model_list[0] ('m').litellm_params.{field}: ", problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Number_field_given_as_list_is_an_error()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m, timeout: [1, 2] }
            """);

        Assert.Contains("litellm_params.timeout: must be a single value", problem);
    }

    [Theory]
    [InlineData("ftp://files.example.com/v1")]
    [InlineData("api.example.com/v1")]
    [InlineData("not a url")]
    [InlineData("/v1")]
    public void Api_base_must_be_http_url(string apiBase)
    {
        var problem = ConfigText.SingleProblem($"""
            model_list:
              - model_name: m
                litellm_params:
                  model: openai/gpt-4o
                  api_base: "{apiBase}"
            """);

        Assert.Contains($"model_list[0] ('m').litellm_params.api_base: '{apiBase}' is not an absolute http(s) URL", problem);
    }

    [Fact]
    public void Hosted_vllm_needs_api_base()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: llama
                litellm_params:
                  model: hosted_vllm/meta-llama/Llama-3.1-8B-Instruct
            """);

        Assert.Contains("model_list[0] ('llama').litellm_params.api_base: required for provider 'hosted_vllm'", problem);
    }

    [Fact]
    public void Azure_without_api_base_or_AZURE_API_BASE_is_an_error()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: azure/dep
            """, new() { ["AZURE_API_KEY"] = "k" });

        Assert.Contains("model_list[0] ('gpt-4o').litellm_params.api_base: required for provider 'azure'", problem);
        Assert.Contains("AZURE_API_BASE", problem);
    }

    [Fact]
    public void Master_key_must_start_with_sk()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
            general_settings:
              master_key: my-secret
            """);

        Assert.Contains("general_settings.master_key: must start with 'sk-'", problem);
        Assert.DoesNotContain("my-secret", problem);
    }

    [Fact]
    public void Model_info_must_be_a_mapping()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
                model_info: [1, 2]
            """);

        Assert.Equal("line 4: model_list[0] ('m').model_info: must be a mapping", problem);
    }

    [Fact]
    public void Extra_headers_must_be_a_mapping()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m, extra_headers: [a, b] }
            """);

        Assert.Contains("model_list[0] ('m').litellm_params.extra_headers: must be a mapping", problem);
    }

    [Theory]
    [InlineData("model_list:\n  - model_name: \"m\n")]
    [InlineData("model_list:\n  - model_name: m\n  model_name: x\n")]
    [InlineData("model_list:\n  - model_name: m\n\tlitellm_params: {}\n")]
    [InlineData("model_list: [a, b\n")]
    [InlineData("a: b: c\n")]
    [InlineData("model_list:\n  - model_name: m\n    model_name: n\n")]
    public void Yaml_syntax_error_reports_line_number(string yaml)
    {
        var e = ConfigText.Fails(yaml);

        var problem = Assert.Single(e.Problems);
        Assert.Matches(@"^line \d+, column \d+: not valid YAML: ", problem);
        Assert.StartsWith("test.yaml: 1 problem(s)", e.Message);
    }

    [Fact]
    public void Unterminated_flow_mapping_is_reported_as_invalid_yaml()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m
              - model_name: n
            """);

        Assert.Contains("not valid YAML", problem);
    }

    [Fact]
    public void Duplicate_key_reports_its_line()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m }
                model_name: n
            """);

        Assert.StartsWith("line 4, column ", problem);
        Assert.Contains("not valid YAML", problem);
    }

    [Fact]
    public void Yaml_syntax_error_reports_the_offending_line()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params:
                  model: mock/m
               bad_indent: x
            """);

        Assert.StartsWith("line 5, column ", problem);
    }

    [Fact]
    public void Top_level_must_be_a_mapping()
    {
        var problem = ConfigText.SingleProblem("- a\n- b\n");

        Assert.Contains("top level must be a mapping", problem);
    }

    [Fact]
    public void All_problems_are_reported_together()
    {
        var e = ConfigText.Fails("""
            model_list:
              - model_name: a
                litellm_params:
                  model: acme-private-7b
              - model_name: b
                litellm_params:
                  model: openai/gpt-4o
                  api_key: os.environ/MISSING_KEY
                  timeout: soon
              - litellm_params:
                  model: hosted_vllm/x
            general_settings:
              master_key: nope
            """);

        Assert.Equal(6, e.Problems.Count);
        Assert.StartsWith("test.yaml: 6 problem(s) in the gateway config:", e.Message);
        Assert.Contains(e.Problems, p => p.Contains("model_list[0] ('a').litellm_params.model") && p.Contains("provider prefix"));
        Assert.Contains(e.Problems, p => p.Contains("model_list[1] ('b').litellm_params.api_key") && p.Contains("MISSING_KEY"));
        Assert.Contains(e.Problems, p => p.Contains("model_list[1] ('b').litellm_params.timeout") && p.Contains("'soon' is not a number"));
        Assert.Contains(e.Problems, p => p.Contains("model_list[2].model_name: missing"));
        Assert.Contains(e.Problems, p => p.Contains("model_list[2].litellm_params.api_base: required for provider 'hosted_vllm'"));
        Assert.Contains(e.Problems, p => p.Contains("general_settings.master_key"));
        foreach (var p in e.Problems)
            Assert.Contains("\n  - " + p, e.Message);
    }

    [Theory]
    [InlineData("timeout: abc")]
    [InlineData("api_key: os.environ/NOPE")]
    [InlineData("rpm: 1.5")]
    [InlineData("api_base: ftp://x")]
    public void Node_problems_carry_the_line_of_the_node(string badLine)
    {
        var problem = ConfigText.SingleProblem($$"""
            model_list:
              - model_name: first
                litellm_params: { model: mock/m }
              - model_name: second
                litellm_params:
                  model: openai/x
                  {{badLine}}
            """);

        Assert.StartsWith("line 7: ", problem);
        Assert.Contains("model_list[1] ('second').litellm_params.", problem);
    }
}
