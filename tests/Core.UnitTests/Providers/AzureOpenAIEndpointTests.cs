using Gateway.Config;
using Gateway.Providers.Azure;

namespace Gateway.Tests.Providers;

public sealed class AzureOpenAIEndpointTests
{
    private static AzureOpenAIEndpoint Endpoint(string apiBase, string? apiVersion, string deployment = "gpt-4o-prod") =>
        new(new DeploymentConfig { ModelName = "gpt-4o", Provider = "azure", UpstreamModel = deployment, ApiBase = apiBase, ApiVersion = apiVersion },
            new AzureTokenSource(() => throw new InvalidOperationException("no tokens in URL tests")));

    [Fact]
    public void Deployment_route_carries_the_api_version()
    {
        var e = Endpoint("https://res.openai.azure.com", "2024-10-21");

        Assert.Equal("https://res.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21", e.ChatCompletions.AbsoluteUri);
        Assert.Equal("https://res.openai.azure.com/openai/deployments/gpt-4o-prod/embeddings?api-version=2024-10-21", e.Embeddings.AbsoluteUri);
        Assert.Equal("gpt-4o-prod", e.BodyModel);
    }

    [Fact]
    public void Default_api_version_is_used_when_none_is_given()
    {
        var e = Endpoint("https://res.openai.azure.com", null);

        Assert.Equal($"https://res.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version={AzureOpenAIEndpoint.DefaultApiVersion}", e.ChatCompletions.AbsoluteUri);
    }

    [Fact]
    public void Deployment_name_is_escaped()
    {
        var e = Endpoint("https://res.openai.azure.com", "2025-01-01-preview", deployment: "my dep/1?x#y");

        Assert.Equal("https://res.openai.azure.com/openai/deployments/my%20dep%2F1%3Fx%23y/chat/completions?api-version=2025-01-01-preview", e.ChatCompletions.AbsoluteUri);
        Assert.Equal("/openai/deployments/my%20dep%2F1%3Fx%23y/chat/completions", e.ChatCompletions.AbsolutePath);
        Assert.Equal("?api-version=2025-01-01-preview", e.ChatCompletions.Query);
    }

    [Fact]
    public void Api_base_with_a_path_prefix_is_kept()
    {
        var e = Endpoint("https://apim.example.com/team-a", "2024-10-21");

        Assert.Equal("https://apim.example.com/team-a/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21", e.ChatCompletions.AbsoluteUri);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("preview")]
    [InlineData("latest")]
    public void V1_api_versions_use_the_v1_route(string version)
    {
        var e = Endpoint("https://res.openai.azure.com", version);

        Assert.Equal("https://res.openai.azure.com/openai/v1/chat/completions", e.ChatCompletions.AbsoluteUri);
        Assert.Equal("https://res.openai.azure.com/openai/v1/embeddings", e.Embeddings.AbsoluteUri);
        Assert.Equal("gpt-4o-prod", e.BodyModel);
    }

    [Theory]
    [InlineData("https://res.openai.azure.com/openai/v1", null)]
    [InlineData("https://res.openai.azure.com/openai/v1", "2024-10-21")]
    [InlineData("https://res.openai.azure.com/OpenAI/V1", null)]
    public void Api_base_ending_in_openai_v1_uses_the_v1_route(string apiBase, string? version)
    {
        var e = Endpoint(apiBase, version);

        Assert.Equal(apiBase + "/chat/completions", e.ChatCompletions.AbsoluteUri);
        Assert.Equal(apiBase + "/embeddings", e.Embeddings.AbsoluteUri);
        Assert.Empty(e.ChatCompletions.Query);
    }

    [Theory]
    [InlineData("https://r.openai.azure.com", "v1", true)]
    [InlineData("https://r.openai.azure.com", "V1", false)]
    [InlineData("https://r.openai.azure.com", "2024-10-21", false)]
    [InlineData("https://r.openai.azure.com", null, false)]
    [InlineData("https://r.openai.azure.com/openai/v1", null, true)]
    [InlineData("https://r.openai.azure.com/openai/v10", null, false)]
    public void IsV1_decides_the_route(string apiBase, string? version, bool expected)
    {
        Assert.Equal(expected, AzureOpenAIEndpoint.IsV1(apiBase, version));
    }

    [Fact]
    public async Task Api_key_is_sent_without_asking_for_a_token()
    {
        var endpoint = new AzureOpenAIEndpoint(
            new DeploymentConfig { ModelName = "m", Provider = "azure", UpstreamModel = "d", ApiBase = "https://r.openai.azure.com", ApiKey = "k1", ExtraHeaders = new Dictionary<string, string> { ["X-Extra"] = "v" } },
            new AzureTokenSource(() => throw new InvalidOperationException("must not be called")));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.ChatCompletions);

        await endpoint.AuthorizeAsync(request, CancellationToken.None);

        Assert.Equal("k1", Assert.Single(request.Headers.GetValues("api-key")));
        Assert.Equal("v", Assert.Single(request.Headers.GetValues("X-Extra")));
        Assert.Null(request.Headers.Authorization);
    }
}
