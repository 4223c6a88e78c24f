using System.Text;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;
using OpenAI.Chat;

namespace Gateway.Tests.Caching;

/// <summary>
/// Streams and the cache: a streamed miss is kept once it completes, and a hit on a streamed call is replayed as a
/// well-formed stream that the official OpenAI .NET, OpenAI JS, Vercel AI and Anthropic SDKs read as a normal one.
/// </summary>
public sealed class CacheStreamTests : IAsyncLifetime
{
    private CacheGateway _c = null!;

    public async Task InitializeAsync() => _c = await CacheGateway.StartAsync();

    public async Task DisposeAsync() => await _c.DisposeAsync();

    private static readonly string Streamed = "answer 1" + CacheGateway.StreamTail;

    [Fact]
    public async Task A_non_streamed_answer_replays_to_the_dotnet_sdk_as_a_stream_with_usage()
    {
        var chat = _c.Gw.OpenAI().GetChatClient("cached");
        var whole = (await chat.CompleteChatAsync([new UserChatMessage("dotnet")])).Value;

        var text = new StringBuilder();
        var updates = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var u in chat.CompleteChatStreamingAsync([new UserChatMessage("dotnet")], new ChatCompletionOptions()))
        {
            updates++;
            foreach (var part in u.ContentUpdate) text.Append(part.Text);
            finish ??= u.FinishReason;
            usage ??= u.Usage;
        }
        Assert.Equal(1, _c.UpstreamCalls);
        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.True(updates >= 3, $"{updates} updates");
        Assert.NotNull(usage);
        Assert.Equal(10, usage!.OutputTokenCount);
    }

    [Fact]
    public async Task A_streamed_miss_is_kept_and_answers_streamed_and_whole_calls()
    {
        var body = CacheGateway.Chat(content: "stream me", extra: ""","stream":true""");
        var miss = await _c.ChatAsync(body);
        Assert.Equal("false", miss.Header("x-gateway-cache-hit"));
        var hit = await _c.ChatAsync(body);
        Assert.True(hit.Hit);
        Assert.StartsWith("data: ", hit.Body);
        Assert.EndsWith("data: [DONE]\n\n", hit.Body);
        Assert.Equal(Streamed, DeltaText(hit.Body));
        Assert.DoesNotContain("\"usage\"", hit.Body); // the client did not ask for it
        var withUsage = await _c.ChatAsync(CacheGateway.Chat(content: "stream me", extra: ""","stream":true,"stream_options":{"include_usage":true}"""));
        Assert.Contains("\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":10", withUsage.Body);

        var whole = await _c.ChatAsync(CacheGateway.Chat(content: "stream me"));
        Assert.True(whole.Hit);
        Assert.Equal(Streamed, whole.Content);
        Assert.Equal(1, _c.UpstreamCalls);

        var events = await AllEventsAsync();
        Assert.Contains(events, e => e.GetProperty("cache_hit").GetBoolean() && e.GetProperty("stream").GetBoolean()
            && e.GetProperty("saved").GetDecimal() == CacheGateway.AnswerCost);
    }

    [Fact]
    public async Task A_stream_that_breaks_off_is_not_kept()
    {
        _c.Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, [OpenAIWire.Chunk("""{"role":"assistant","content":"half"}""")], _ => throw new IOException("upstream died"));
        var body = CacheGateway.Chat(content: "broken", extra: ""","stream":true""");
        await _c.ChatAsync(body);
        _c.Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("whole", prompt: 5, completion: 10));
        var next = await _c.ChatAsync(CacheGateway.Chat(content: "broken"));
        Assert.False(next.Hit);
        Assert.Equal("whole", next.Content);
    }

    [Fact]
    public async Task Streamed_hits_are_normal_streams_to_the_openai_vercel_and_anthropic_js_sdks()
    {
        foreach (var package in new[] { "openai", "ai", "@ai-sdk/openai", "@anthropic-ai/sdk" }) NodeTools.Package(package);
        var result = await NodeTools.RunAsync(Path.Combine("tests", "Core.Tests", "Caching", "cache-sdk-clients.cjs"), new Dictionary<string, string>
        {
            ["NODE_TOOLS"] = NodeTools.Modules(),
            ["GATEWAY_URL"] = _c.Gw.BaseAddress.ToString().TrimEnd('/'),
            ["GATEWAY_KEY"] = Yaml.MasterKey,
            ["GATEWAY_MODEL"] = "cached",
        });

        var openai = result.GetProperty("openai");
        Assert.Equal(openai[0].GetProperty("text").GetString(), openai[1].GetProperty("text").GetString());
        Assert.EndsWith(CacheGateway.StreamTail, openai[1].GetProperty("text").GetString());
        Assert.Equal("stop", openai[1].GetProperty("finish").GetString());
        Assert.Equal(15, openai[1].GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.True(openai[1].GetProperty("chunks").GetInt32() >= 5);
        Assert.NotEqual(openai[0].GetProperty("ids")[0].GetString(), openai[1].GetProperty("ids")[0].GetString());

        var vercel = result.GetProperty("vercel");
        Assert.Equal(vercel[0].GetProperty("text").GetString(), vercel[1].GetProperty("text").GetString());
        Assert.EndsWith(CacheGateway.StreamTail, vercel[1].GetProperty("text").GetString());
        Assert.Equal("stop", vercel[1].GetProperty("finish").GetString());
        Assert.True(vercel[1].GetProperty("parts").GetInt32() >= 3);

        var anthropic = result.GetProperty("anthropic");
        var runs = anthropic.GetProperty("runs");
        Assert.Equal(runs[0].GetProperty("text").GetString(), runs[1].GetProperty("text").GetString());
        Assert.EndsWith(CacheGateway.StreamTail, runs[1].GetProperty("text").GetString());
        Assert.True(runs[1].GetProperty("deltas").GetInt32() >= 3);
        Assert.Equal("end_turn", runs[1].GetProperty("final").GetProperty("stop_reason").GetString());
        Assert.Equal(10, runs[1].GetProperty("final").GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(runs[0].GetProperty("text").GetString(), anthropic.GetProperty("whole").GetProperty("content")[0].GetProperty("text").GetString());

        Assert.Equal(3, _c.UpstreamCalls); // one miss per SDK; every repeat came from the cache
        var hits = (await AllEventsAsync()).Count(e => e.GetProperty("cache_hit").GetBoolean());
        Assert.Equal(4, hits);
    }

    /// <summary>The text a chat stream's deltas add up to.</summary>
    private static string DeltaText(string sse) => string.Concat(Sse.Parse(sse).Where(d => d != "[DONE]")
        .SelectMany(d => System.Text.Json.JsonDocument.Parse(d).RootElement.GetProperty("choices").EnumerateArray())
        .Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : null));

    /// <summary>Every spend event so far (the master key's calls have no key to filter by).</summary>
    private async Task<List<System.Text.Json.JsonElement>> AllEventsAsync() =>
        (await _c.Gw.GetJsonAsync("/spend/logs?limit=100")).GetProperty("data").EnumerateArray().ToList();
}
