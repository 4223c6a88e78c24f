using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Caching;

/// <summary>
/// What <c>cache_params</c> and the per-request controls decide, each against its own gateway: TTLs and <c>s-maxage</c>
/// under a clock the test moves, <c>mode: default_off</c> with <c>use-cache</c>, scopes per key and per team,
/// <c>caching_groups</c> and <c>supported_call_types</c>.
/// </summary>
public sealed class CacheSettingsTests
{
    [Fact]
    public async Task A_hit_takes_a_rate_limit_slot_but_no_tokens_or_dollars()
    {
        await using var c = await CacheGateway.StartAsync(clock: TestClock.TenSecondsIntoAMinute()); // one rpm window throughout
        var key = await c.Gw.GenerateAsync("""{"rpm_limit":2,"max_budget":1}""");
        Assert.Equal(200, (await c.ChatAsync(CacheGateway.Chat(content: "rpm"), key)).Status);   // $0.01
        var hit = await c.ChatAsync(CacheGateway.Chat(content: "rpm"), key);
        Assert.True(hit.Hit, hit.ToString());
        var third = await c.ChatAsync(CacheGateway.Chat(content: "rpm"), key);
        Assert.Equal(429, third.Status);
        Assert.Equal(1, c.UpstreamCalls);
        var info = await c.Gw.InfoAsync(key);
        Assert.Equal(CacheGateway.AnswerCost, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
    }

    [Fact]
    public async Task Entries_expire_after_the_configured_ttl_or_the_requests_own()
    {
        var clock = TestClock.TenSecondsIntoAMinute();
        await using var c = await CacheGateway.StartAsync("ttl: 60", clock);
        await c.ChatAsync(CacheGateway.Chat(content: "default ttl"));
        await c.ChatAsync(CacheGateway.Chat(content: "own ttl", extra: ""","cache":{"ttl":300}"""));
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.True((await c.ChatAsync(CacheGateway.Chat(content: "default ttl"))).Hit);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await c.ChatAsync(CacheGateway.Chat(content: "default ttl"))).Hit);
        Assert.True((await c.ChatAsync(CacheGateway.Chat(content: "own ttl"))).Hit);
        clock.Advance(TimeSpan.FromSeconds(240));
        Assert.False((await c.ChatAsync(CacheGateway.Chat(content: "own ttl"))).Hit);
        Assert.Equal(4, c.UpstreamCalls);
    }

    [Fact]
    public async Task S_maxage_accepts_only_an_answer_young_enough()
    {
        var clock = TestClock.TenSecondsIntoAMinute();
        await using var c = await CacheGateway.StartAsync(clock: clock);
        await c.ChatAsync(CacheGateway.Chat());
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await c.ChatAsync(CacheGateway.Chat(extra: ""","cache":{"s-maxage":30}"""))).Hit);
        var stale = await c.ChatAsync(CacheGateway.Chat(extra: ""","cache":{"s-maxage":29}"""));
        Assert.False(stale.Hit);
        Assert.Equal("answer 2", stale.Content);
        Assert.True((await c.ChatAsync(CacheGateway.Chat(extra: ""","cache":{"s-max-age":1}"""))).Hit); // the fresh answer was kept
    }

    [Fact]
    public async Task Default_off_caches_only_calls_that_opt_in()
    {
        await using var c = await CacheGateway.StartAsync("mode: default_off");
        await c.ChatAsync(CacheGateway.Chat());
        var plain = await c.ChatAsync(CacheGateway.Chat());
        Assert.False(plain.Hit);
        Assert.Null(plain.Header("x-gateway-cache-hit"));
        await c.ChatAsync(CacheGateway.Chat(extra: ""","cache":{"use-cache":true}"""));
        Assert.True((await c.ChatAsync(CacheGateway.Chat(extra: ""","cache":{"use-cache":true}"""))).Hit);
        Assert.Equal(3, c.UpstreamCalls);
    }

    [Fact]
    public async Task Use_cache_false_opts_out_when_the_mode_is_default_on()
    {
        await using var c = await CacheGateway.StartAsync();
        await c.ChatAsync(CacheGateway.Chat(extra: ""","cache":{"use-cache":false}"""));
        Assert.False((await c.ChatAsync(CacheGateway.Chat())).Hit);
    }

    [Fact]
    public async Task With_key_scope_one_key_never_reads_another_keys_answer()
    {
        await using var c = await CacheGateway.StartAsync("cache_scope: key");
        var a = await c.Gw.GenerateAsync();
        var b = await c.Gw.GenerateAsync();
        Assert.Equal("answer 1", (await c.ChatAsync(CacheGateway.Chat(content: "private"), a)).Content);
        var other = await c.ChatAsync(CacheGateway.Chat(content: "private"), b);
        Assert.False(other.Hit);
        Assert.Equal("answer 2", other.Content);
        Assert.Equal("answer 1", (await c.ChatAsync(CacheGateway.Chat(content: "private"), a)).Content);
        Assert.Equal("answer 2", (await c.ChatAsync(CacheGateway.Chat(content: "private"), b)).Content);
        Assert.False((await c.ChatAsync(CacheGateway.Chat(content: "private"))).Hit); // the master key is a scope of its own
    }

    [Fact]
    public async Task With_team_scope_keys_of_one_team_share_and_other_teams_do_not()
    {
        await using var c = await CacheGateway.StartAsync("cache_scope: team");
        await c.Gw.PostAsync("/team/new", """{"team_id":"red"}""");
        await c.Gw.PostAsync("/team/new", """{"team_id":"blue"}""");
        var red1 = await c.Gw.GenerateAsync("""{"team_id":"red"}""");
        var red2 = await c.Gw.GenerateAsync("""{"team_id":"red"}""");
        var blue = await c.Gw.GenerateAsync("""{"team_id":"blue"}""");
        var loner = await c.Gw.GenerateAsync();
        await c.ChatAsync(CacheGateway.Chat(content: "team"), red1);
        Assert.True((await c.ChatAsync(CacheGateway.Chat(content: "team"), red2)).Hit);
        Assert.False((await c.ChatAsync(CacheGateway.Chat(content: "team"), blue)).Hit);
        Assert.False((await c.ChatAsync(CacheGateway.Chat(content: "team"), loner)).Hit);
    }

    [Fact]
    public async Task Caching_groups_share_answers_between_model_groups()
    {
        await using var c = await CacheGateway.StartAsync("caching_groups: [[cached, twin]]");
        await c.ChatAsync(CacheGateway.Chat(model: "cached"));
        var twin = await c.ChatAsync(CacheGateway.Chat(model: "twin"));
        Assert.True(twin.Hit);
        Assert.Equal("answer 1", twin.Content);
    }

    [Fact]
    public async Task Supported_call_types_limit_what_is_cached()
    {
        await using var c = await CacheGateway.StartAsync("supported_call_types: [aembedding]");
        await c.ChatAsync(CacheGateway.Chat());
        var chat = await c.ChatAsync(CacheGateway.Chat());
        Assert.False(chat.Hit);
        Assert.Null(chat.Header("x-gateway-cache-hit"));
        await c.PostAsync("/v1/embeddings", """{"model":"emb","input":"x"}""");
        Assert.True((await c.PostAsync("/v1/embeddings", """{"model":"emb","input":"x"}""")).Hit);
    }

    [Fact]
    public async Task Sampled_answers_are_cached_when_the_config_says_so()
    {
        await using var c = await CacheGateway.StartAsync("cache_sampled_responses: true");
        await c.ChatAsync(CacheGateway.Chat(extra: ""","temperature":0.9"""));
        Assert.True((await c.ChatAsync(CacheGateway.Chat(extra: ""","temperature":0.9"""))).Hit);
    }

    [Fact]
    public async Task With_the_cache_off_nothing_is_cached_and_the_admin_routes_say_so()
    {
        await using var c = await CacheGateway.StartAsync(cacheOn: "false");
        await c.ChatAsync(CacheGateway.Chat(extra: ""","cache":{"ttl":60}"""));
        var second = await c.ChatAsync(CacheGateway.Chat());
        Assert.Null(second.Header("x-gateway-cache-hit"));
        Assert.Equal(2, c.UpstreamCalls);
        Assert.DoesNotContain("\"cache\"", c.Up.Requests[0].Body); // the directive never reaches the upstream
        var ping = await c.Gw.GetJsonAsync("/cache/ping", 400);
        Assert.Equal("cache_not_enabled", ping.GetProperty("error").GetProperty("code").GetString());
    }
}
