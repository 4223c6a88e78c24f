using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Spend;

/// <summary>
/// Exactly one spend event per call, whatever the ending: success, upstream error, timeout, a client that leaves
/// mid-stream. Costs come from the shipped price table; the event is in the store before the response completes.
/// </summary>
public sealed class SpendEventTests : UpstreamGatewayTest
{
    private static readonly PriceSheet.Rates Mini = PriceSheet.For("gpt-4o-mini");

    protected override string Config(FakeUpstream up) => Yaml.Config(up.V1, extraModels: $"""
          - model_name: slow
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {up.V1}
              api_key: sk-upstream
              timeout: 0.5
              stream_timeout: 0.5
          - model_name: pair
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {up.V1}/first
              api_key: sk-upstream
            model_info:
              id: first
          - model_name: pair
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {up.V1}/second
              api_key: sk-upstream
            model_info:
              id: second
        """);

    private ISpendStore Store => Gw.Services.GetRequiredService<ISpendStore>();

    private async Task<List<SpendEvent>> EventsAsync(string? requestId = null)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var page = await Store.QueryLogsAsync(new SpendLogQuery(today.AddDays(-1), today.AddDays(1)) { RequestId = requestId, Limit = 1000 });
        return [.. page.Items];
    }

    private async Task<SpendEvent> WaitForOneEventAsync(string requestId)
    {
        for (var i = 0; i < 100; i++)
        {
            var found = await EventsAsync(requestId);
            if (found.Count > 0) return Assert.Single(found);
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"no spend event for {requestId}");
    }

    private static StringContent Json(string s) => new(s, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_completion_is_priced_from_the_table_and_logged_before_the_response_ends()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("hi", prompt: 1200, completion: 345).Replace(OpenAIWire.Usage(1200, 345), OpenAIWire.Usage(1200, 345, cached: 1024)));
        using var r = await Gw.Http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"user":"end-user-7"}"""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var id = r.Headers.GetValues("x-gateway-request-id").Single();
        var expected = PriceSheet.Cost(Mini, 1200, 345, 1024);
        Assert.Equal(expected, decimal.Parse(r.Headers.GetValues(Gateway.Pipeline.ModelCall.ResponseCostHeader).Single(), System.Globalization.CultureInfo.InvariantCulture));

        // No waiting: the hand-off completed before the body was written.
        var e = Assert.Single(await EventsAsync(id));
        Assert.Equal(expected, e.Spend);
        Assert.Equal("success", e.Status);
        Assert.Equal((1200, 345, 1024), (e.PromptTokens, e.CompletionTokens, e.CacheReadTokens));
        Assert.Equal(1024 * Mini.CacheRead, e.CostBreakdown!.CacheRead);
        Assert.Equal(176 * Mini.Input, e.CostBreakdown.Input);
        Assert.Equal(("gpt-4o-mini", "openai", "end-user-7", false), (e.ModelGroup, e.Provider, e.EndUser, e.Stream));
        Assert.True(e.Priced);
        Assert.True(e.EndTime >= e.StartTime);
    }

    [Fact]
    public async Task A_stream_carries_its_cost_in_the_usage_chunk_and_is_logged_before_DONE()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["Hel", "lo"], includeUsage: true, prompt: 50, completion: 7));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json("""{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"""),
        };
        using var r = await Gw.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var id = r.Headers.GetValues("x-gateway-request-id").Single();
        using var reader = new StreamReader(await r.Content.ReadAsStreamAsync());
        decimal? cost = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var data = line[6..];
            if (data == "[DONE]")
            {
                // The event must already be stored when [DONE] arrives.
                var e = Assert.Single(await EventsAsync(id));
                Assert.Equal(PriceSheet.Cost(Mini, 50, 7, 0), e.Spend);
                Assert.True(e.Stream);
                Assert.NotNull(e.CompletionStartTime);
                break;
            }
            using var chunk = JsonDocument.Parse(data);
            if (chunk.RootElement.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object) cost = u.GetProperty("cost").GetDecimal();
        }
        Assert.Equal(PriceSheet.Cost(Mini, 50, 7, 0), cost);
    }

    [Fact]
    public async Task Request_tags_are_recorded_and_rolled_up_and_the_gateway_directive_is_not_sent_upstream()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("ok", prompt: 10, completion: 2));
        using var r = await Gw.Http.PostAsync("/v1/chat/completions", Json(
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tags":["search","beta"],"metadata":{"tags":["exp-1","beta"],"owner":"x"}}"""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var e = Assert.Single(await EventsAsync(r.Headers.GetValues("x-gateway-request-id").Single()));
        Assert.Equal(["search", "beta", "exp-1"], e.Tags);
        using var sent = JsonDocument.Parse(Up.Last.Body);
        Assert.False(sent.RootElement.TryGetProperty("tags", out _));
        Assert.Equal("x", sent.RootElement.GetProperty("metadata").GetProperty("owner").GetString());
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var rows = await Store.QueryRollupsAsync(new RollupQuery(SpendDimensions.Tag, today.AddDays(-1), today, "exp-1"));
        Assert.Equal(1, Assert.Single(rows).Requests);

        using var bad = await Gw.Http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tags":"search"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("tags", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_upstream_error_gives_one_failure_event()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("bad things", "invalid_request_error", "bad_param"), 400);
        using var r = await Gw.Http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var e = Assert.Single(await EventsAsync(r.Headers.GetValues("x-gateway-request-id").Single()));
        Assert.Equal(("failure", 400, "bad_param"), (e.Status, e.HttpStatus, e.ErrorCode));
        Assert.Equal(0m, e.Spend);
    }

    [Fact]
    public async Task A_timeout_gives_one_failure_event()
    {
        Up.Handler = async (ctx, _) => await Task.Delay(3000, ctx.RequestAborted);
        using var r = await Gw.Http.PostAsync("/v1/chat/completions", Json("""{"model":"slow","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.GatewayTimeout, r.StatusCode);
        var e = Assert.Single(await EventsAsync(r.Headers.GetValues("x-gateway-request-id").Single()));
        Assert.Equal(("failure", 504, "upstream_timeout"), (e.Status, e.HttpStatus, e.ErrorCode));
    }

    [Fact]
    public async Task A_stream_that_stalls_past_its_timeout_books_the_usage_it_saw_in_one_event()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["a", "b", "c"], includeUsage: true), async i =>
        {
            if (i == 1) await Task.Delay(3000, ctx.RequestAborted);
        });
        using var r = await Gw.Http.PostAsync("/v1/chat/completions", Json("""{"model":"slow","stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        var text = await r.Content.ReadAsStringAsync();
        Assert.Contains("upstream_timeout", text);
        var e = Assert.Single(await EventsAsync(r.Headers.GetValues("x-gateway-request-id").Single()));
        Assert.Equal(("failure", "upstream_timeout", true), (e.Status, e.ErrorCode, e.Stream));
    }

    [Fact]
    public async Task A_client_that_leaves_mid_stream_gives_one_failure_event()
    {
        var release = new TaskCompletionSource();
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["a", "b", "c", "d"], includeUsage: true), async i =>
        {
            if (i == 0) await Task.WhenAny(release.Task, Task.Delay(5000, ctx.RequestAborted));
        });
        string id;
        using (var cts = new CancellationTokenSource())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = Json("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}"""),
            };
            var r = await Gw.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            id = r.Headers.GetValues("x-gateway-request-id").Single();
            var stream = await r.Content.ReadAsStreamAsync(cts.Token);
            _ = await stream.ReadAsync(new byte[64], cts.Token);
            cts.Cancel();
            r.Dispose();
        }
        var e = await WaitForOneEventAsync(id);
        Assert.Equal(("failure", "client_disconnected"), (e.Status, e.ErrorCode));
        release.TrySetResult();
        await Task.Delay(300);
        Assert.Single(await EventsAsync(id)); // still exactly one
    }

    [Fact]
    public async Task A_failover_records_the_deployment_that_served_and_the_retry()
    {
        Up.Handler = (ctx, _) => ctx.Request.Path.StartsWithSegments("/v1/first")
            ? OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("down", "server_error", null), 503)
            : OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("ok", prompt: 10, completion: 2));
        for (var i = 0; i < 6; i++)
        {
            using var r = await Gw.Http.PostAsync("/v1/chat/completions", Json("""{"model":"pair","messages":[{"role":"user","content":"hi"}]}"""));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var e = Assert.Single(await EventsAsync(r.Headers.GetValues("x-gateway-request-id").Single()));
            Assert.Equal("second", e.DeploymentId);
            Assert.False(e.Fallback); // the same model group served: a failover, not a fallback
            Assert.Equal(e.Retries + 1, e.DeploymentsTried.Count);
            Assert.Equal("second", e.DeploymentsTried[^1]);
            if (e.Retries == 1) Assert.Equal("first", e.DeploymentsTried[0]);
            Assert.Equal(PriceSheet.Cost(Mini, 10, 2, 0), e.Spend);
        }
    }

    [Fact]
    public async Task An_unpriced_model_is_booked_at_zero_and_says_so()
    {
        using var r = await Gw.Http.PostAsync("/v1/chat/completions", Json("""{"model":"mock","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var e = Assert.Single(await EventsAsync(r.Headers.GetValues("x-gateway-request-id").Single()));
        Assert.False(e.Priced);
        Assert.Equal(0m, e.Spend);
        Assert.Equal("success", e.Status);
    }

    [Fact]
    public async Task Embeddings_are_priced_on_input_tokens()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":1000,"total_tokens":1000}}""");
        using var r = await Gw.Http.PostAsync("/v1/embeddings", Json("""{"model":"text-embedding-3-small","input":"hello"}"""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var e = Assert.Single(await EventsAsync(r.Headers.GetValues("x-gateway-request-id").Single()));
        Assert.Equal(1000 * PriceSheet.For("text-embedding-3-small").Input, e.Spend);
        Assert.Equal("embedding", e.CallType);
    }
}
