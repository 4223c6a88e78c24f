using System.Text;
using System.Text.Json;
using Gateway.Caching;
using Gateway.Caching.Replay;

namespace Gateway.Tests.Caching;

/// <summary>The cache's parts on their own: the LRU's bounds, the id swap, a stream rebuilt into a completion and replayed.</summary>
public sealed class CachePartsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static CacheEntry Entry(int bytes, TimeSpan? ttl = null) => new(new byte[bytes], Now, Now + (ttl ?? TimeSpan.FromMinutes(1)), 0.5m);

    [Fact]
    public void The_local_cache_drops_the_least_recently_used_past_its_count_or_bytes()
    {
        var lru = new LocalResponseCache(maxEntries: 2, maxBytes: 100);
        lru.Set("a", Entry(10));
        lru.Set("b", Entry(10));
        Assert.NotNull(lru.Get("a", Now));            // a is now the most recent
        lru.Set("c", Entry(10));
        Assert.Null(lru.Get("b", Now));
        Assert.NotNull(lru.Get("a", Now));
        lru.Set("d", Entry(95));                     // bytes: only d fits
        Assert.Equal(1, lru.Count);
        Assert.Equal(95, lru.Bytes);
        lru.Set("huge", Entry(101));                 // larger than the whole cache: not kept, nothing evicted
        Assert.Null(lru.Get("huge", Now));
        Assert.NotNull(lru.Get("d", Now));
        lru.Set("short", Entry(1, TimeSpan.FromSeconds(5)));
        Assert.Null(lru.Get("short", Now.AddSeconds(5)));
    }

    [Fact]
    public void Fresh_identity_swaps_only_the_top_level_id_and_created()
    {
        var body = """{"id":"old","object":"chat.completion","created":1,"choices":[{"message":{"id":"inner","created":2,"content":"\"id\":\"old\""}}]}""";
        var fresh = Encoding.UTF8.GetString(FreshIdentity.Apply(Encoding.UTF8.GetBytes(body), "new\"id", Now));
        Assert.Equal(body.Replace("\"id\":\"old\",", "\"id\":\"new\\u0022id\",").Replace("\"created\":1,", $"\"created\":{Now.ToUnixTimeSeconds()},"), fresh);
        Assert.Equal("""{"data":[1]}""", Encoding.UTF8.GetString(FreshIdentity.Apply("""{"data":[1]}"""u8, "x", Now)));
    }

    [Fact]
    public void A_stream_rebuilds_into_the_completion_it_amounts_to_and_replays_into_the_same_deltas()
    {
        var assembler = new ChatStreamAssembler(1 << 20);
        foreach (var chunk in new[]
        {
            """{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""",
            """{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}""",
            """{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\""}}]}}]}""",
            """{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"lo","tool_calls":[{"index":0,"function":{"arguments":":1}"}}]}}]}""",
            """{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            """{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""",
        })
            assembler.Add(Encoding.UTF8.GetBytes(chunk));
        var completion = assembler.Completion()!;
        using var doc = JsonDocument.Parse(completion);
        var message = doc.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("Hello", message.GetProperty("content").GetString());
        Assert.Equal("""{"a":1}""", message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool_calls", doc.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(7, doc.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32());

        var sse = Encoding.UTF8.GetString(ChatReplay.Write(completion, includeUsage: true));
        var events = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        var replayed = new ChatStreamAssembler(1 << 20);
        foreach (var e in events[..^1]) replayed.Add(Encoding.UTF8.GetBytes(e["data: ".Length..]));
        Assert.Equal(Encoding.UTF8.GetString(completion), Encoding.UTF8.GetString(replayed.Completion()!));
        Assert.DoesNotContain("\"usage\"", Encoding.UTF8.GetString(ChatReplay.Write(completion, includeUsage: false)));
    }

    [Fact]
    public void An_unfinished_or_oversized_stream_is_not_cached()
    {
        var unfinished = new ChatStreamAssembler(1 << 20);
        unfinished.Add("""{"id":"c","choices":[{"index":0,"delta":{"content":"half"}}]}"""u8);
        Assert.Null(unfinished.Completion());
        var small = new ChatStreamAssembler(50);
        small.Add(Encoding.UTF8.GetBytes("""{"id":"c","choices":[{"index":0,"delta":{"content":"this chunk alone is past fifty bytes"},"finish_reason":"stop"}]}"""));
        Assert.Null(small.Completion());
    }

    [Fact]
    public void Long_text_is_cut_into_small_deltas_that_never_split_a_surrogate_pair()
    {
        var text = string.Concat(Enumerable.Repeat("ab😀", 40));
        var pieces = TextPieces.Of(text).ToList();
        Assert.True(pieces.Count > 3);
        Assert.Equal(text, string.Concat(pieces));
        Assert.All(pieces, p => Assert.False(char.IsHighSurrogate(p[^1])));
    }
}
