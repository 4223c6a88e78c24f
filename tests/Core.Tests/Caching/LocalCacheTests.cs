using System.Text.Json;
using Gateway.Keys;
using Gateway.Tests.Keys;

namespace Gateway.Tests.Caching;

/// <summary>
/// <c>type: local</c>, end to end through the real gateway: a repeat is answered from memory with the same content and a
/// fresh id and created, the headers say so, the spend event says what it saved, the key that decides the hit covers
/// every answer-changing field and nothing else, and the admin routes delete and flush.
/// </summary>
public sealed class LocalCacheTests : IAsyncLifetime
{
    private CacheGateway _c = null!;

    public async Task InitializeAsync() => _c = await CacheGateway.StartAsync();

    public async Task DisposeAsync() => await _c.DisposeAsync();

    [Fact]
    public async Task A_repeat_is_a_hit_with_the_same_bytes_but_a_fresh_id_and_created()
    {
        var miss = await _c.ChatAsync(CacheGateway.Chat());
        var hit = await _c.ChatAsync(CacheGateway.Chat());

        Assert.Equal(200, hit.Status);
        Assert.Equal("false", miss.Header("x-gateway-cache-hit"));
        Assert.Null(miss.CacheKey);
        Assert.True(hit.Hit);
        Assert.Matches("^[0-9a-f]{64}$", hit.CacheKey);
        Assert.Equal(1, _c.UpstreamCalls);
        var (id1, created1) = (miss.Json.GetProperty("id").GetString()!, miss.Json.GetProperty("created").GetInt64());
        var (id2, created2) = (hit.Json.GetProperty("id").GetString()!, hit.Json.GetProperty("created").GetInt64());
        Assert.NotEqual(id1, id2);
        Assert.StartsWith("chatcmpl-", id2);
        Assert.NotEqual(created1, created2);
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - created2) < 60);
        // Every other byte is the first answer's.
        Assert.Equal(miss.Body, hit.Body.Replace(id2, id1).Replace($"\"created\":{created2}", $"\"created\":{created1}"));
        Assert.Equal("0", hit.Header("x-gateway-response-cost"));
    }

    [Fact]
    public async Task A_hit_is_a_spend_event_at_zero_cost_that_saved_the_original_cost_and_the_reports_show_it()
    {
        var key = await _c.Gw.GenerateAsync("""{"max_budget":1}""");
        Assert.False((await _c.ChatAsync(CacheGateway.Chat(content: "spend"), key)).Hit);
        Assert.True((await _c.ChatAsync(CacheGateway.Chat(content: "spend"), key)).Hit);

        var events = await _c.Gw.SpendEventsAsync(key, 2);
        var hit = events.Single(e => e.GetProperty("cache_hit").GetBoolean());
        var miss = events.Single(e => !e.GetProperty("cache_hit").GetBoolean());
        Assert.Equal(0m, hit.GetProperty("spend").GetDecimal());
        Assert.Equal(0, hit.GetProperty("total_tokens").GetInt32());
        Assert.Equal(CacheGateway.AnswerCost, hit.GetProperty("saved").GetDecimal());
        Assert.Equal(CacheGateway.AnswerCost, miss.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, miss.GetProperty("saved").GetDecimal());
        Assert.Equal(CacheGateway.AnswerCost, (await _c.Gw.InfoAsync(key)).GetProperty("spend").GetDecimal());

        var keys = await _c.Gw.GetJsonAsync("/global/spend/keys");
        var mine = keys.EnumerateArray().Single(k => k.GetProperty("name").GetString() == KeySecrets.Hash(key));
        Assert.Equal(2, mine.GetProperty("requests").GetInt64());
        Assert.Equal(1, mine.GetProperty("cache_hits").GetInt64());
        Assert.Equal(CacheGateway.AnswerCost, mine.GetProperty("saved").GetDecimal());
        Assert.Equal(CacheGateway.AnswerCost, mine.GetProperty("total_spend").GetDecimal());
        var report = await _c.Gw.GetJsonAsync("/global/spend/report?group_by=api_key");
        var row = report.EnumerateArray().SelectMany(d => d.GetProperty("groups").EnumerateArray()).Single(g => g.GetProperty("name").GetString() == KeySecrets.Hash(key));
        Assert.Equal(CacheGateway.AnswerCost, row.GetProperty("saved").GetDecimal());
    }

    [Fact]
    public async Task No_cache_asks_the_upstream_and_keeps_the_new_answer_and_no_store_keeps_nothing()
    {
        Assert.Equal("answer 1", (await _c.ChatAsync(CacheGateway.Chat())).Content);
        var fresh = await _c.ChatAsync(CacheGateway.Chat(extra: ""","cache":{"no-cache":true}"""));
        Assert.False(fresh.Hit);
        Assert.Equal("answer 2", fresh.Content);
        Assert.Equal("answer 2", (await _c.ChatAsync(CacheGateway.Chat())).Content);   // the no-cache answer replaced the old one

        var unstored = await _c.ChatAsync(CacheGateway.Chat(content: "secret", extra: ""","cache":{"no-store":true}"""));
        Assert.Equal("answer 3", unstored.Content);
        var again = await _c.ChatAsync(CacheGateway.Chat(content: "secret"));
        Assert.False(again.Hit);
        Assert.Equal("answer 4", again.Content);
        Assert.Equal(4, _c.UpstreamCalls);
        // no-store still reads: the answer kept by the previous call is served.
        Assert.True((await _c.ChatAsync(CacheGateway.Chat(content: "secret", extra: ""","cache":{"no-store":true}"""))).Hit);
    }

    [Fact]
    public async Task The_key_covers_every_answer_changing_field_and_ignores_labels_and_field_order()
    {
        const string Tools = ""","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}]""";
        var first = await _c.ChatAsync(CacheGateway.Chat(content: "key", extra: Tools));
        var reordered = await _c.ChatAsync("""{"tools":[{"function":{"parameters":{"properties":{},"type":"object"},"name":"f"},"type":"function"}],"messages":[{"content":"key","role":"user"}],"model":"cached","user":"someone","metadata":{"a":"b"},"tags":["t"]}""");
        Assert.True(reordered.Hit, reordered.ToString());
        Assert.Equal(first.Content, reordered.Content);

        foreach (var changed in new[]
        {
            CacheGateway.Chat(content: "key"),                                                             // no tools
            CacheGateway.Chat(content: "key ", extra: Tools),                                              // another message
            CacheGateway.Chat(content: "key", extra: Tools + ""","tool_choice":"required" """),
            CacheGateway.Chat(content: "key", extra: Tools + ""","response_format":{"type":"json_object"}"""),
            CacheGateway.Chat(content: "key", extra: Tools + ""","max_tokens":7"""),
            CacheGateway.Chat(content: "key", extra: Tools + ""","temperature":0"""),
            CacheGateway.Chat(content: "key", extra: Tools + ""","seed":3"""),
            CacheGateway.Chat(model: "twin", content: "key", extra: Tools),                               // another model group
            CacheGateway.Chat(content: "key", extra: Tools + ""","cache":{"namespace":"other"}"""),
        })
            Assert.False((await _c.ChatAsync(changed)).Hit, changed);
    }

    [Fact]
    public async Task Sampled_answers_are_not_cached_by_default()
    {
        foreach (var extra in new[] { ""","temperature":0.7""", ""","n":2""" })
        {
            await _c.ChatAsync(CacheGateway.Chat(content: "sampled", extra: extra));
            var again = await _c.ChatAsync(CacheGateway.Chat(content: "sampled", extra: extra));
            Assert.False(again.Hit, extra);
        }
        Assert.Equal(4, _c.UpstreamCalls);
    }

    [Fact]
    public async Task Embeddings_and_the_messages_api_are_cached_too()
    {
        const string Embed = """{"model":"emb","input":"cache me"}""";
        var e1 = await _c.PostAsync("/v1/embeddings", Embed);
        var e2 = await _c.PostAsync("/v1/embeddings", Embed);
        Assert.True(e2.Hit, e2.ToString());
        Assert.Equal(e1.Body, e2.Body);

        const string Message = """{"model":"cached","max_tokens":20,"messages":[{"role":"user","content":"hello"}]}""";
        var m1 = await _c.PostAsync("/v1/messages", Message);
        var m2 = await _c.PostAsync("/v1/messages", Message);
        Assert.True(m2.Hit, m2.ToString());
        Assert.StartsWith("msg_", m2.Json.GetProperty("id").GetString());
        Assert.NotEqual(m1.Json.GetProperty("id").GetString(), m2.Json.GetProperty("id").GetString());
        Assert.Equal(m1.Json.GetProperty("content").GetRawText(), m2.Json.GetProperty("content").GetRawText());
        // The chat answer to the same words is another call kind: not served from the messages entry.
        Assert.False((await _c.ChatAsync(CacheGateway.Chat(content: "hello", extra: ""","max_tokens":20"""))).Hit);
        Assert.Equal(3, _c.UpstreamCalls);
    }

    [Fact]
    public async Task Admin_routes_ping_delete_and_flush_with_the_master_key_only()
    {
        var ping = await _c.Gw.GetJsonAsync("/cache/ping");
        Assert.Equal("healthy", ping.GetProperty("status").GetString());
        Assert.Equal("local", ping.GetProperty("cache_type").GetString());

        await _c.ChatAsync(CacheGateway.Chat(content: "a"));
        await _c.ChatAsync(CacheGateway.Chat(content: "b"));
        var key = (await _c.ChatAsync(CacheGateway.Chat(content: "a"))).CacheKey!;
        var deleted = await _c.Gw.PostAsync("/cache/delete", JsonSerializer.Serialize(new { keys = new[] { key } }));
        Assert.Equal(1, deleted.GetProperty("deleted").GetInt32());
        Assert.False((await _c.ChatAsync(CacheGateway.Chat(content: "a"))).Hit);
        Assert.True((await _c.ChatAsync(CacheGateway.Chat(content: "b"))).Hit);
        await _c.Gw.PostAsync("/cache/flush", "{}");
        Assert.False((await _c.ChatAsync(CacheGateway.Chat(content: "b"))).Hit);

        await _c.Gw.PostAsync("/cache/delete", """{"keys":["not-a-key"]}""", 400);
        await _c.Gw.PostAsync("/cache/delete", """{"keys":"x"}""", 400);
        var virtualKey = await _c.Gw.GenerateAsync();
        Assert.Equal(403, (await _c.Gw.AsKeyAsync(virtualKey, HttpMethod.Get, "/cache/ping")).Status);
        Assert.Equal(403, (await _c.Gw.AsKeyAsync(virtualKey, HttpMethod.Post, "/cache/flush", "{}")).Status);
        Assert.Equal(403, (await _c.Gw.AsKeyAsync(virtualKey, HttpMethod.Post, "/cache/delete", JsonSerializer.Serialize(new { keys = new[] { key } }))).Status);
    }

    [Fact]
    public async Task Bad_cache_controls_are_a_400_naming_the_field_before_any_upstream_call()
    {
        foreach (var (cache, param) in new[]
        {
            ("\"yes\"", "cache"), ("{\"no-cache\":1}", "cache.no-cache"), ("{\"ttl\":0}", "cache.ttl"), ("{\"ttl\":\"60\"}", "cache.ttl"),
            ("{\"s-maxage\":-1}", "cache.s-maxage"), ("{\"namespace\":\"\"}", "cache.namespace"), ("{\"nocache\":true}", "cache.nocache"),
            ("{\"s-maxage\":1,\"s-max-age\":2}", "cache.s-max-age"),
        })
        {
            var r = await _c.ChatAsync(CacheGateway.Chat(extra: ",\"cache\":" + cache));
            Assert.Equal(400, r.Status);
            Assert.Equal(param, r.Json.GetProperty("error").GetProperty("param").GetString());
        }
        Assert.Equal(0, _c.UpstreamCalls);
    }
}
