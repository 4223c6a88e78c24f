using Gateway.Tests.Config;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>bedrock/ entries in gateway.yaml: what is required, what is optional.</summary>
public sealed class BedrockConfigTests
{
    private const string Entry = """
        model_list:
          - model_name: claude
            litellm_params:
              model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
        """;

    [Fact]
    public void No_api_base_and_no_keys_are_needed_when_a_region_is_in_the_environment()
    {
        var config = ConfigText.Parse(Entry, new() { ["AWS_REGION"] = "us-east-1" });
        var d = Assert.Single(config.Deployments);
        Assert.Equal("bedrock", d.Provider);
        Assert.Equal("anthropic.claude-3-5-sonnet-20240620-v1:0", d.UpstreamModel);
        Assert.Null(d.ApiBase);
    }

    [Fact]
    public void A_missing_region_is_reported_at_start_with_line_and_field()
    {
        var problem = ConfigText.SingleProblem(Entry);
        Assert.Contains("line 4", problem);
        Assert.Contains("model_list[0] ('claude').litellm_params.aws_region_name", problem);
        Assert.Contains("AWS_REGION", problem);
    }

    [Fact]
    public void Aws_default_region_alone_is_enough()
    {
        Assert.Single(ConfigText.Parse(Entry, new() { ["AWS_DEFAULT_REGION"] = "eu-west-1" }).Deployments);
    }
}
