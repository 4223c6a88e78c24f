using System.Text;
using Gateway.Routing;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static Gateway.Tests.Routing.CooldownEndToEndTests;
using static Gateway.Tests.Routing.RoutingFixture;

namespace Gateway.Tests.Routing;

/// <summary>
/// latency-based-routing ranks streams by time to the first chunk: a deployment that sends its headers at once but its
/// first token late loses to one that is slower to open but quicker to answer. The upstreams move the gateway's fake
/// clock, so the latencies are exact.
/// </summary>
public sealed class LatencyRoutingEndToEndTests
{
    [Fact]
    public async Task Streams_are_routed_by_time_to_first_chunk_not_by_time_to_headers()
    {
        var clock = TestClock.TenSecondsIntoAMinute();
        // Opens in 10 ms, first token 500 ms later.
        await using var quickHeaders = await FakeUpstream.StartAsync(async (ctx, _) =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            StartStream(ctx);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            clock.Advance(TimeSpan.FromMilliseconds(500));
            await WriteChunksAsync(ctx, "late");
        });
        // Opens in 100 ms with the first token in the same write.
        await using var quickToken = await FakeUpstream.StartAsync(async (ctx, _) =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            StartStream(ctx);
            await WriteChunksAsync(ctx, "early");
        });
        var models = $"""
              - model_name: pair
                litellm_params: {"{"} model: openai/gpt-4o-mini, api_base: "{quickHeaders.V1}", api_key: sk-upstream {"}"}
                model_info: {"{"} id: quick-headers {"}"}
              - model_name: pair
                litellm_params: {"{"} model: openai/gpt-4o-mini, api_base: "{quickToken.V1}", api_key: sk-upstream {"}"}
                model_info: {"{"} id: quick-token {"}"}
            router_settings:
              routing_strategy: latency-based-routing
            """;
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: models), services: s =>
        {
            TestClock.Use(clock)(s);
            s.AddSingleton<IRandomSource>(new Seeded(3));
        });

        for (var i = 0; i < 50; i++)
        {
            using var r = await gw.Http.PostAsync("/v1/chat/completions", Body("pair", ",\"stream\":true"));
            var text = await r.Content.ReadAsStringAsync();
            Assert.Contains("data: [DONE]", text);
        }

        // Each is learned once (an unmeasured deployment counts as fastest); after that every stream goes to quick-token.
        Assert.Single(quickHeaders.Requests);
        Assert.Equal(49, quickToken.Requests.Count);
        var state = await gw.Http.GetStringAsync("/router/deployments");
        Assert.Contains("\"id\":\"quick-headers\"", state);
        Assert.Matches("\"id\":\"quick-headers\"[^}]*\"latency_ms\":510[,}]", state);
        Assert.Matches("\"id\":\"quick-token\"[^}]*\"latency_ms\":100[,}]", state);
    }

    private static void StartStream(HttpContext ctx)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
    }

    private static async Task WriteChunksAsync(HttpContext ctx, string text)
    {
        foreach (var chunk in OpenAIWire.TextStream([text], includeUsage: true))
            await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("data: " + chunk + "\n\n"), ctx.RequestAborted);
        await ctx.Response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray(), ctx.RequestAborted);
    }
}
