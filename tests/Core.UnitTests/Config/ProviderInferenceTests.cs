using Gateway.Config;
using Gateway.Pricing;

namespace Gateway.Tests.Config;

/// <summary>Bare model names in <c>litellm_params.model</c> get their provider by LiteLLM's rules, and the start-up report says so.</summary>
public sealed class ProviderInferenceTests
{
    [Theory]
    [InlineData("gpt-4o", "openai")]
    [InlineData("gpt-4.1-mini", "openai")]
    [InlineData("o1-preview", "openai")]
    [InlineData("o3-mini", "openai")]
    [InlineData("o4-mini", "openai")]
    [InlineData("chatgpt-4o-latest", "openai")]
    [InlineData("text-embedding-3-small", "openai")]
    [InlineData("whisper-1", "openai")]
    [InlineData("claude-3-5-sonnet-20240620", "anthropic")]
    [InlineData("claude-opus-4-5-20251101", "anthropic")]
    [InlineData("gemini-2.5-flash", "gemini")]
    [InlineData("anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock")]
    [InlineData("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock")]
    [InlineData("global.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock")]
    [InlineData("amazon.nova-pro-v1:0", "bedrock")]
    [InlineData("meta.llama3-1-70b-instruct-v1:0", "bedrock")]
    [InlineData("cohere.embed-english-v3", "bedrock")]
    [InlineData("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock")]
    [InlineData("arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:application-inference-profile/abc123", "bedrock")]
    public void Bare_names_are_placed_by_their_family(string model, string provider)
    {
        Assert.True(ProviderInference.TryInfer(model, PriceTable.Default, out var inferred, out _));
        Assert.Equal(provider, inferred);
    }

    [Fact]
    public void The_price_table_places_a_name_no_family_rule_knows()
    {
        var table = PriceTable.Parse("""
            { "source": "test", "checked": "2026-11-25", "models": {
              "text-embedding-004": { "provider": "gemini", "mode": "embedding", "input_cost_per_token": 0, "output_cost_per_token": 0, "source": "https://example.com" },
              "sonar-pro": { "provider": "perplexity", "mode": "chat", "input_cost_per_token": 0.000003, "output_cost_per_token": 0.000015, "source": "https://example.com" },
              "odd-model": { "provider": "vertex_ai", "mode": "chat", "input_cost_per_token": 0, "output_cost_per_token": 0, "source": "https://example.com" } } }
            """);

        Assert.True(ProviderInference.TryInfer("text-embedding-004", table, out var gemini, out var why));
        Assert.Equal("gemini", gemini);
        Assert.Contains("price table", why);
        Assert.True(ProviderInference.TryInfer("sonar-pro", table, out var perplexity, out _));
        Assert.Equal("perplexity", perplexity);
        // A provider the gateway cannot speak to places nothing.
        Assert.False(ProviderInference.TryInfer("odd-model", table, out _, out _));
        Assert.False(ProviderInference.TryInfer("acme-private-7b", table, out _, out _));
    }

    [Fact]
    public void Inferred_routes_reach_the_deployment_and_the_report()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: gpt-4o
                litellm_params: { model: gpt-4o, api_key: sk-x }
              - model_name: sonnet
                litellm_params: { model: claude-3-5-sonnet-20240620, api_key: k }
              - model_name: nova
                litellm_params:
                  model: arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0
                  aws_region_name: us-east-1
              - model_name: explicit
                litellm_params: { model: openai/gpt-4o-mini, api_key: sk-x }
            """);

        Assert.Equal(("openai", "gpt-4o"), (config.Deployments[0].Provider, config.Deployments[0].UpstreamModel));
        Assert.Equal(("anthropic", "claude-3-5-sonnet-20240620"), (config.Deployments[1].Provider, config.Deployments[1].UpstreamModel));
        Assert.Equal("bedrock", config.Deployments[2].Provider);
        Assert.StartsWith("arn:aws:bedrock:us-east-1:123456789012:inference-profile/", config.Deployments[2].UpstreamModel);
        Assert.Empty(config.Warnings);
        Assert.Equal(3, config.Notices.Count);
        Assert.Equal("line 3: model_list[0] ('gpt-4o').litellm_params.model: 'gpt-4o' has no provider prefix; inferred 'openai/gpt-4o' (the price table lists 'gpt-4o' under openai)", config.Notices[0]);
        Assert.Contains("inferred 'anthropic/claude-3-5-sonnet-20240620'", config.Notices[1]);
        Assert.Contains("(a Bedrock ARN)", config.Notices[2]);
    }

    [Fact]
    public void A_name_with_an_unknown_prefix_is_still_refused()
    {
        var problem = ConfigText.SingleProblem("""
            model_list:
              - model_name: m
                litellm_params: { model: huggingface/gpt-4o }
            """);

        Assert.Contains("provider 'huggingface' is not supported", problem);
    }
}
