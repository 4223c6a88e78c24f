namespace Gateway.Tests.Config;

public sealed class GatewayConfigLoaderWarningTests
{
    [Fact]
    public void Unsupported_keys_at_every_level_are_warnings_not_errors()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params:
                  model: mock/m
                  vertex_credentials: x.json
                  stream_timeout: 5
                model_info: { id: x }
                tpm_limit: 5
            general_settings:
              master_key: sk-1
              use_client_credentials_pass_through_routes: true
            litellm_settings:
              drop_params: true
              set_verbose: true
            router_settings:
              routing_strategy: simple-shuffle
              redis_host: localhost
            callbacks: [langfuse]
            environment_variables: {}
            """);

        Assert.Single(config.Deployments);
        Assert.Equal(6, config.Warnings.Count);
        Assert.Contains("line 18: callbacks: not supported; ignored", config.Warnings);
        Assert.Contains("line 8: model_list[0] ('m').tpm_limit: not supported; ignored", config.Warnings);
        Assert.Contains("line 5: model_list[0] ('m').litellm_params.vertex_credentials: not supported; ignored", config.Warnings);
        Assert.Contains("line 11: general_settings.use_client_credentials_pass_through_routes: not supported; ignored", config.Warnings);
        Assert.Contains("litellm_settings: not supported yet; keys ignored: set_verbose", config.Warnings);
        Assert.Contains("router_settings: not supported yet; keys ignored: redis_host", config.Warnings);
    }

    [Fact]
    public void Known_keys_produce_no_warnings()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params:
                  model: openai/gpt-4o
                  api_key: k
                  api_base: http://127.0.0.1:8000/v1
                  api_version: x
                  timeout: 5
                  stream_timeout: 5
                  max_retries: 1
                  rpm: 1
                  tpm: 1
                  weight: 1
                  organization: o
                  azure_ad_token: t
                  mock_response: r
                  extra_headers: { a: b }
                  aws_region_name: us-east-1
                model_info: { id: x }
            general_settings:
              master_key: sk-1
              max_request_size_mb: 1
            litellm_settings: {}
            router_settings: {}
            """);

        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Warnings_do_not_hide_errors()
    {
        var e = ConfigText.Fails("""
            model_list:
              - model_name: m
                litellm_params: { model: mock/m, unknown_param: 1, rpm: zero }
            """);

        var problem = Assert.Single(e.Problems);
        Assert.Contains("rpm", problem);
    }
}
