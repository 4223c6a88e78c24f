using Gateway.Config;
using Gateway.Providers.Bedrock;
using Gateway.Providers.Bedrock.Signing;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>Region and endpoint precedence for bedrock/ deployments.</summary>
public sealed class BedrockEndpointTests
{
    private static DeploymentConfig Deployment(string? apiBase = null, string? region = null) => new()
    {
        ModelName = "m",
        Provider = "bedrock",
        UpstreamModel = "anthropic.claude-v2:1",
        ApiBase = apiBase,
        ProviderSettings = region is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["aws_region_name"] = region },
    };

    private static AwsEnvironment Env(params (string, string)[] vars)
    {
        var d = vars.ToDictionary(v => v.Item1, v => v.Item2);
        return new AwsEnvironment(d.GetValueOrDefault);
    }

    [Fact]
    public void Region_prefers_config_then_aws_region_then_aws_default_region()
    {
        Assert.Equal("eu-west-1", new BedrockEndpoint(Deployment(region: "eu-west-1"), Env(("AWS_REGION", "us-east-1"))).Region);
        Assert.Equal("us-east-1", new BedrockEndpoint(Deployment(), Env(("AWS_REGION", "us-east-1"), ("AWS_DEFAULT_REGION", "ap-south-1"))).Region);
        Assert.Equal("ap-south-1", new BedrockEndpoint(Deployment(), Env(("AWS_DEFAULT_REGION", "ap-south-1"))).Region);
        Assert.Throws<InvalidOperationException>(() => new BedrockEndpoint(Deployment(), Env()));
    }

    [Fact]
    public void Endpoint_prefers_api_base_then_service_variable_then_global_variable_then_regional_default()
    {
        var vars = new[] { ("AWS_REGION", "us-east-1"), ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://svc:1"), ("AWS_ENDPOINT_URL", "http://all:2") };
        Assert.Equal("http://base:3", new BedrockEndpoint(Deployment(apiBase: "http://base:3/"), Env(vars)).BaseUrl);
        Assert.Equal("http://svc:1", new BedrockEndpoint(Deployment(), Env(vars)).BaseUrl);
        Assert.Equal("http://all:2", new BedrockEndpoint(Deployment(), Env(vars[0], vars[2])).BaseUrl);
        var regional = new BedrockEndpoint(Deployment(), Env(vars[0]));
        Assert.Equal("https://bedrock-runtime.us-east-1.amazonaws.com", regional.BaseUrl);
        Assert.Equal("https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2%3A1/converse", regional.Converse.OriginalString);
        Assert.Equal("/model/anthropic.claude-v2%3A1/converse-stream", regional.ConverseStream.AbsolutePath);
    }
}
