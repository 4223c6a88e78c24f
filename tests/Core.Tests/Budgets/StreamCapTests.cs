using System.Net;
using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Budgets;

/// <summary>
/// Cap mode against an upstream that ignores <c>max_tokens</c> and streams 400 words: the gateway ends the stream near
/// the cap the budget paid for, with a well-formed end in the client's API (OpenAI: a <c>length</c> finish, a usage
/// chunk, <c>[DONE]</c>; Anthropic: <c>message_delta</c> with <c>max_tokens</c>, <c>message_stop</c>), and books no
/// more than the cap, so the budget is never passed.
/// </summary>
public sealed class StreamCapTests : BudgetGatewayTest
{
    [Fact]
    public async Task An_openai_stream_past_its_cap_ends_with_length_usage_and_done()
    {
        var key = await Gw.GenerateAsync("""{"max_budget":0.02}""");
        using var r = await Gw.CallAsync(key, "ignoring", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var cap = int.Parse(r.Headers.GetValues("x-gateway-max-tokens-capped").Single());
        var events = Sse.Parse(await r.Content.ReadAsStringAsync()).ToList();

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var usage = chunks[^1].GetProperty("usage");
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal("length", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var words = chunks.Count(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) && t.GetString() == "word ");
        Assert.True(words < 400 && words <= cap * 2 + 16, $"{words} words went out for a cap of {cap}");
        Assert.True(usage.GetProperty("completion_tokens").GetInt32() <= cap);

        var info = await Gw.InfoAsync(key);
        Assert.True(info.GetProperty("spend").GetDecimal() <= 0.02m);
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        var logged = (await Gw.SpendEventsAsync(key, 1)).Single();
        Assert.True(logged.GetProperty("usage_estimated").GetBoolean());
        Assert.Equal(cap, logged.GetProperty("max_tokens_capped").GetInt32());
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), logged.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_messages_stream_past_its_cap_ends_with_max_tokens_and_message_stop()
    {
        var key = await Gw.GenerateAsync("""{"max_budget":0.02}""");
        using var r = await Gw.CallAsync(key, "ignoring", ",\"stream\":true", path: "/v1/messages");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var text = await r.Content.ReadAsStringAsync();
        Assert.Contains("x-gateway-max-tokens-capped", r.Headers.Select(h => h.Key));

        var names = text.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l[7..]).ToList();
        Assert.Equal("message_stop", names[^1]);
        Assert.Equal("message_delta", names[^2]);
        Assert.Contains("\"stop_reason\":\"max_tokens\"", text);
        Assert.True(names.Count(n => n == "content_block_delta") < 400);
        Assert.True((await Gw.InfoAsync(key)).GetProperty("spend").GetDecimal() <= 0.02m);
    }

    [Fact]
    public async Task An_anthropic_upstream_stream_past_its_cap_is_ended_as_anthropic_ends_one_at_max_tokens()
    {
        // /v1/messages to an Anthropic deployment passes the upstream's events through; this upstream ignores max_tokens.
        await using var anthropic = await FakeUpstream.StartAsync((ctx, _) =>
            AnthropicWire.WriteStreamAsync(ctx, AnthropicWire.TextStream(Enumerable.Repeat("word ", 400).ToArray())));
        var models = $"""
              - model_name: claude-ignoring
                litellm_params:
                  model: anthropic/claude-sonnet-4-5
                  api_base: {anthropic.BaseAddress.ToString().TrimEnd('/')}
                  api_key: {AnthropicWire.ApiKey}
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.001
            """;
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Up.Models + "\n" + models),
            new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() });
        var key = await gw.GenerateAsync("""{"max_budget":0.02}""");
        using var r = await gw.CallAsync(key, "claude-ignoring", ",\"stream\":true", path: "/v1/messages");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var cap = int.Parse(r.Headers.GetValues("x-gateway-max-tokens-capped").Single());
        Assert.Equal(cap, JsonDocument.Parse(anthropic.Last.Body).RootElement.GetProperty("max_tokens").GetInt32());
        var text = await r.Content.ReadAsStringAsync();

        var names = text.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l[7..]).ToList();
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], names[^3..]);
        Assert.Contains("\"stop_reason\":\"max_tokens\"", text);
        Assert.True(names.Count(n => n == "content_block_delta") < 400);
        var info = await gw.InfoAsync(key);
        Assert.True(info.GetProperty("spend").GetDecimal() <= 0.02m);
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        var logged = (await gw.SpendEventsAsync(key, 1)).Single();
        Assert.True(logged.GetProperty("completion_tokens").GetInt32() <= cap);
        Assert.True(logged.GetProperty("usage_estimated").GetBoolean());
    }

    [Fact]
    public async Task A_stream_that_keeps_to_its_cap_is_not_cut()
    {
        var key = await Gw.GenerateAsync("""{"max_budget":0.02}""");
        Up.Produce = 100; // the honest upstream writes up to its cap
        using var r = await Gw.CallAsync(key, "capped", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        var cap = int.Parse(r.Headers.GetValues("x-gateway-max-tokens-capped").Single());
        var chunks = Sse.Parse(await r.Content.ReadAsStringAsync()).SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Equal(cap, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.False((await Gw.SpendEventsAsync(key, 1)).Single().GetProperty("usage_estimated").GetBoolean());
    }
}
