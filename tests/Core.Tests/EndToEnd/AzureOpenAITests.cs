using System.Text.Json;
using Azure.Core;
using Gateway.Providers.Azure;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;

namespace Gateway.Tests.EndToEnd;

/// <summary>Azure OpenAI's URL shapes and credentials, against a loopback server that checks them as Azure does.</summary>
public sealed class AzureOpenAITests : IAsyncLifetime
{
    private FakeUpstream _up = null!;

    public async Task InitializeAsync()
    {
        _up = await FakeUpstream.StartAsync(async (ctx, r) =>
        {
            // Azure rejects calls without a credential with 401 and its own error shape.
            if (r.Header("api-key") is null && r.Header("authorization") is null)
            {
                await OpenAIWire.WriteJsonAsync(ctx, """{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint."}}""", 401);
                return;
            }
            if (r.Body.Contains("\"stream\":true"))
                await OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["from ", "azure"], includeUsage: true));
            else
                await OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("from azure"));
        });
    }

    public async Task DisposeAsync() => await _up.DisposeAsync();

    private string Deployment(string name, string extra) => $"""
          - model_name: {name}
            litellm_params:
              model: azure/gpt4o-prod
              api_base: {_up.BaseAddress.ToString().TrimEnd('/')}
        {extra}
        """;

    [Fact]
    public async Task Deployment_route_with_api_version_and_api_key()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Deployment("az", """
                  api_version: "2024-10-21"
                  api_key: azure-key-123
            """)));
        ChatCompletion c = await gw.OpenAI().GetChatClient("az").CompleteChatAsync([new UserChatMessage("hi")]);
        Assert.Equal("from azure", c.Content[0].Text);
        Assert.Equal("/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21", _up.Last.PathAndQuery);
        Assert.Equal("azure-key-123", _up.Last.Header("api-key"));
        Assert.Null(_up.Last.Header("authorization"));
    }

    [Fact]
    public async Task V1_route_puts_the_deployment_in_the_body_and_streams()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Deployment("az1", """
                  api_version: v1
                  api_key: azure-key-123
            """)));
        var text = "";
        await foreach (var u in gw.OpenAI().GetChatClient("az1").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            text += string.Concat(u.ContentUpdate.Select(p => p.Text));
        Assert.Equal("from azure", text);
        Assert.Equal("/openai/v1/chat/completions", _up.Last.PathAndQuery);
        using var body = JsonDocument.Parse(_up.Last.Body);
        Assert.Equal("gpt4o-prod", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Version_and_key_come_from_the_environment_when_not_in_config()
    {
        var env = new Dictionary<string, string> { ["AZURE_API_KEY"] = "env-azure-key", ["AZURE_API_VERSION"] = "2025-01-01-preview" };
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Deployment("az", "")), env);
        await gw.OpenAI().GetChatClient("az").CompleteChatAsync([new UserChatMessage("hi")]);
        Assert.EndsWith("?api-version=2025-01-01-preview", _up.Last.PathAndQuery);
        Assert.Equal("env-azure-key", _up.Last.Header("api-key"));
    }

    [Fact]
    public async Task Without_a_key_an_entra_token_is_fetched_once_for_cognitive_services_and_reused()
    {
        var credential = new CountingCredential();
        await using var gw = await TestGateway.StartAsync(
            Yaml.Config(extraModels: Deployment("az", "")),
            services: s => s.AddSingleton(new AzureTokenSource(() => credential)));
        var chat = gw.OpenAI().GetChatClient("az");
        for (var i = 0; i < 3; i++) await chat.CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Equal(1, credential.Calls);
        Assert.Equal(["https://cognitiveservices.azure.com/.default"], credential.LastScopes);
        Assert.All(_up.Requests, r => Assert.Equal("Bearer entra-token-1", r.Header("authorization")));
        Assert.All(_up.Requests, r => Assert.Null(r.Header("api-key")));
    }

    [Fact]
    public async Task A_failing_identity_is_reported_as_a_clear_error()
    {
        await using var gw = await TestGateway.StartAsync(
            Yaml.Config(extraModels: Deployment("az", "")),
            services: s => s.AddSingleton(new AzureTokenSource(() => new FailingCredential())));
        var response = await gw.Http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"az","messages":[{"role":"user","content":"x"}]}"""));
        Assert.Equal(502, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("upstream_credentials", text);
        Assert.Contains("no managed identity endpoint", text);
        Assert.Empty(_up.Requests);
    }

    /// <summary>Stands in for the managed identity endpoint, which does not exist on this machine.</summary>
    private sealed class CountingCredential : TokenCredential
    {
        public int Calls;
        public string[] LastScopes = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().Result;

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref Calls);
            LastScopes = requestContext.Scopes;
            return ValueTask.FromResult(new AccessToken($"entra-token-{n}", DateTimeOffset.UtcNow.AddHours(1)));
        }
    }

    private sealed class FailingCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new InvalidOperationException("no managed identity endpoint");
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new InvalidOperationException("no managed identity endpoint");
    }
}
