using System.Net;
using System.Text;
using Gateway.Tests.Support;

namespace Gateway.Tests.EndToEnd;

/// <summary>Retries on retryable failures, failover across a group's deployments, and no retry of client errors.</summary>
public sealed class RetryTests
{
    private const string Chat = """{"model":"m","messages":[{"role":"user","content":"x"}]}""";

    private static string Deployment(string apiBase, int maxRetries = 0) => $"""
          - model_name: m
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {apiBase}
              max_retries: {maxRetries}
        """;

    [Fact]
    public async Task A_500_is_retried_up_to_max_retries()
    {
        var calls = 0;
        await using var up = await FakeUpstream.StartAsync((ctx, _) => Interlocked.Increment(ref calls) == 1
            ? OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("boom", "server_error", null), 500)
            : OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("second time lucky")));
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Deployment(up.V1, maxRetries: 1)));
        using var response = await gw.Http.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("second time lucky", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, up.Requests.Count);
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        await using var up = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("bad", "invalid_request_error", null), 400));
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Deployment(up.V1, maxRetries: 3)));
        using var response = await gw.Http.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(up.Requests);
    }

    [Fact]
    public async Task A_dead_deployment_fails_over_to_its_sibling()
    {
        await using var up = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("alive")));
        var dead = $"http://127.0.0.1:{FreePort.Get()}/v1";
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Deployment(dead) + "\n" + Deployment(up.V1)));
        for (var i = 0; i < 6; i++)
        {
            using var response = await gw.Http.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(6, up.Requests.Count);
    }

    [Fact]
    public async Task When_every_attempt_fails_the_last_error_is_returned()
    {
        await using var up = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("still down", "server_error", null), 503));
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Deployment(up.V1, maxRetries: 2)));
        using var response = await gw.Http.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("still down", await response.Content.ReadAsStringAsync());
        Assert.Equal(3, up.Requests.Count);
    }
}
