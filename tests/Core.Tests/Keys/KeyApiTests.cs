using System.ClientModel;
using System.Net;
using System.Text;
using Gateway.Keys;
using Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;

namespace Gateway.Tests.Keys;

/// <summary>The key management API through real Kestrel and the OpenAI .NET SDK, on the embedded store.</summary>
public sealed class KeyApiTests : IAsyncLifetime
{
    private readonly string _store = KeyGateway.NewStorePath();
    // Rate limits count per UTC minute: the gateway reads this clock, so a window ends only when a test advances it.
    private readonly FakeTimeProvider _clock = TestClock.TenSecondsIntoAMinute();
    private TestGateway _gw = null!;

    public async Task InitializeAsync() => _gw = await KeyGateway.StartAsync(_store, _clock);
    public async Task DisposeAsync() => await _gw.DisposeAsync();

    [Fact]
    public async Task A_generated_key_works_from_the_sdk_and_its_spend_shows_in_key_info()
    {
        var generated = await _gw.PostAsync("/key/generate", """{"key_alias":"app-1","models":["priced"],"max_budget":1,"metadata":{"owner":"search"}}""");
        var key = generated.GetProperty("key").GetString()!;
        Assert.Matches("^sk-[0-9a-f]{64}$", key);
        Assert.Equal(KeySecrets.Hash(key), generated.GetProperty("token").GetString());

        var chat = _gw.OpenAI(key).GetChatClient("priced");
        ChatCompletion reply = await chat.CompleteChatAsync([new UserChatMessage("Hello?")], new ChatCompletionOptions { MaxOutputTokenCount = 50 });
        Assert.Equal("This is a mock response from priced-1.", reply.Content[0].Text);

        var info = await _gw.InfoAsync(key);
        Assert.Equal(reply.Usage.OutputTokenCount * 0.001m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        Assert.Equal("app-1", info.GetProperty("key_alias").GetString());
        Assert.Equal("search", info.GetProperty("metadata").GetProperty("owner").GetString());
    }

    [Fact]
    public async Task The_secret_is_shown_once_and_stored_only_as_its_hash()
    {
        var key = await _gw.GenerateAsync("""{"key_alias":"hashed"}""");
        var info = await _gw.GetJsonAsync("/key/info?key=" + key);
        Assert.Equal(KeySecrets.Hash(key), info.GetProperty("key").GetString());
        Assert.DoesNotContain(key, info.ToString());
        var list = await _gw.GetJsonAsync("/key/list?return_full_object=true");
        Assert.DoesNotContain(key, list.ToString());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = string.Concat(Directory.GetFiles(Path.GetDirectoryName(_store)!).Select(f => Encoding.Latin1.GetString(ReadShared(f))));
        Assert.Contains(KeySecrets.Hash(key), bytes);
        Assert.DoesNotContain(key, bytes);
    }

    [Fact]
    public async Task Responses_carry_remaining_limits_and_the_key_spend()
    {
        var key = await _gw.GenerateAsync("""{"rpm_limit":5,"tpm_limit":100000}""");
        using var r = await _gw.ChatAsync(key, extra: ",\"max_tokens\":10,\"mock_response\":\"one two\"");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("4", r.Headers.GetValues(Gateway.Limits.LimitHeaders.RemainingRequestsHeader).Single());
        Assert.True(long.Parse(r.Headers.GetValues(Gateway.Limits.LimitHeaders.RemainingTokensHeader).Single()) < 100000);
        Assert.Equal("0.002", r.Headers.GetValues(Gateway.Limits.LimitHeaders.KeySpendHeader).Single());
    }

    [Fact]
    public async Task Unknown_deleted_blocked_and_expired_keys_get_401_at_once()
    {
        using (var r = await _gw.ChatAsync("sk-" + new string('0', 64))) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);

        var deleted = await _gw.GenerateAsync();
        using (var r = await _gw.ChatAsync(deleted)) Assert.Equal(HttpStatusCode.OK, r.StatusCode); // now cached
        var gone = await _gw.PostAsync("/key/delete", $$"""{"keys":["{{deleted}}"]}""");
        Assert.Equal(KeySecrets.Hash(deleted), gone.GetProperty("deleted_keys")[0].GetString());
        using (var r = await _gw.ChatAsync(deleted)) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);

        var blocked = await _gw.GenerateAsync();
        using (var r = await _gw.ChatAsync(blocked)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await _gw.PostAsync("/key/update", $$"""{"key":"{{blocked}}","blocked":true}""");
        using (var r = await _gw.ChatAsync(blocked))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains("blocked", (await KeyGateway.ErrorOf(r)).GetProperty("message").GetString());
        }
        Assert.True((await _gw.InfoAsync(blocked)).GetProperty("blocked").GetBoolean());

        var expired = await _gw.GenerateAsync("""{"expires":"2020-01-01T00:00:00Z"}""");
        using (var r = await _gw.ChatAsync(expired))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains("expired", (await KeyGateway.ErrorOf(r)).GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task A_model_the_key_may_not_use_is_403()
    {
        var key = await _gw.GenerateAsync("""{"models":["priced"]}""");
        var e = await Assert.ThrowsAsync<ClientResultException>(() => _gw.OpenAI(key).GetChatClient("other").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(403, e.Status);
        using var r = await _gw.ChatAsync(key, model: "other");
        Assert.Equal("model_not_allowed", (await KeyGateway.ErrorOf(r)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Over_budget_is_a_non_retryable_budget_exceeded_error()
    {
        // Each call reserves 10 output tokens = $0.01; the budget holds two.
        var key = await _gw.GenerateAsync("""{"max_budget":0.02}""");
        for (var i = 0; i < 2; i++)
            using (var ok = await _gw.ChatAsync(key, extra: ",\"max_tokens\":10")) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        // The mock answered 10 tokens each time: the budget is spent exactly.
        Assert.Equal(0.02m, (await _gw.InfoAsync(key)).GetProperty("spend").GetDecimal());
        using var r = await _gw.ChatAsync(key, extra: ",\"max_tokens\":10");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var error = await KeyGateway.ErrorOf(r);
        Assert.Equal("budget_exceeded", error.GetProperty("type").GetString());
        Assert.Equal("0.02", r.Headers.GetValues(Gateway.Limits.LimitHeaders.KeySpendHeader).Single());
        var sdk = await Assert.ThrowsAsync<ClientResultException>(() => _gw.OpenAI(key).GetChatClient("priced").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(400, sdk.Status);
    }

    [Fact]
    public async Task Rpm_over_the_limit_is_429_with_retry_after()
    {
        var key = await _gw.GenerateAsync("""{"rpm_limit":2}""");
        for (var i = 0; i < 2; i++) using (var ok = await _gw.ChatAsync(key)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var r = await _gw.ChatAsync(key))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.Equal("50", r.Headers.GetValues("Retry-After").Single()); // the clock is 10 s into the minute
            Assert.Equal("rpm_limit_exceeded", (await KeyGateway.ErrorOf(r)).GetProperty("code").GetString());
        }
        Assert.Equal(2, (await _gw.InfoAsync(key)).GetProperty("requests_this_minute").GetInt64());

        _clock.Advance(TimeSpan.FromSeconds(49)); // one second before the window ends: still refused
        using (var r = await _gw.ChatAsync(key)) Assert.Equal(("1", HttpStatusCode.TooManyRequests), (r.Headers.GetValues("Retry-After").Single(), r.StatusCode));
        _clock.Advance(TimeSpan.FromSeconds(1)); // the next minute: a fresh window
        using (var r = await _gw.ChatAsync(key)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(1, (await _gw.InfoAsync(key)).GetProperty("requests_this_minute").GetInt64());
    }

    [Fact]
    public async Task The_tightest_of_key_team_and_user_wins()
    {
        var team = (await _gw.PostAsync("/team/new", """{"team_alias":"search","rpm_limit":1}""")).GetProperty("team_id").GetString()!;
        await _gw.PostAsync("/user/new", """{"user_id":"ana@example.com","max_budget":0.005}""");
        var key = await _gw.GenerateAsync($$"""{"team_id":"{{team}}","rpm_limit":100}""");
        using (var ok = await _gw.ChatAsync(key)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var r = await _gw.ChatAsync(key))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.Contains($"team '{team}'", (await KeyGateway.ErrorOf(r)).GetProperty("message").GetString());
        }
        var info = await _gw.GetJsonAsync("/team/info?team_id=" + team);
        Assert.Equal(1, info.GetProperty("team_info").GetProperty("requests_this_minute").GetInt64());
        Assert.Equal(KeySecrets.Hash(key), info.GetProperty("keys")[0].GetString());

        // The user's budget ($0.005) is below one call's worst case ($0.01 for 10 tokens): in reserve mode, refused for
        // the user; in cap mode (the default), lowered to the 5 tokens the user's budget can pay for.
        var userKey = await _gw.GenerateAsync("""{"user_id":"ana@example.com","max_budget":100,"budget_enforcement":"reserve"}""");
        using var b = await _gw.ChatAsync(userKey, extra: ",\"max_tokens\":10");
        Assert.Equal(HttpStatusCode.BadRequest, b.StatusCode);
        Assert.Contains("user 'ana@example.com'", (await KeyGateway.ErrorOf(b)).GetProperty("message").GetString());
        var capKey = await _gw.GenerateAsync("""{"user_id":"ana@example.com","max_budget":100}""");
        using var c = await _gw.ChatAsync(capKey, extra: ",\"max_tokens\":10");
        Assert.Equal(HttpStatusCode.OK, c.StatusCode);
        Assert.Equal("5", c.Headers.GetValues("x-gateway-max-tokens-capped").Single());
        Assert.Equal(0.005m, (await _gw.GetJsonAsync("/user/info?user_id=ana@example.com")).GetProperty("user_info").GetProperty("max_budget").GetDecimal());
    }

    [Fact]
    public async Task A_streamed_call_settles_from_the_stream_usage()
    {
        var key = await _gw.GenerateAsync("""{"max_budget":5}""");
        var tokens = 0;
        await foreach (var u in _gw.OpenAI(key).GetChatClient("priced").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            if (u.Usage is { } usage) tokens = usage.OutputTokenCount;
        Assert.True(tokens > 0);
        var info = await _gw.InfoAsync(key);
        Assert.Equal(tokens * 0.001m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0, info.GetProperty("parallel_requests").GetInt64());
    }

    [Fact]
    public async Task A_failed_call_releases_its_reservation_at_no_cost()
    {
        var key = await _gw.GenerateAsync("""{"max_budget":1,"max_parallel_requests":1}""");
        using (var r = await _gw.ChatAsync(key, extra: ",\"max_tokens\":10,\"mock_response\":\"litellm.InternalServerError\""))
            Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        // The release runs as the request ends; the next call (parallel limit 1) is admitted once it has.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        System.Text.Json.JsonElement info;
        do info = await _gw.InfoAsync(key);
        while (info.GetProperty("parallel_requests").GetInt64() > 0 && DateTime.UtcNow < deadline);
        Assert.Equal(0, info.GetProperty("parallel_requests").GetInt64());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("spend").GetDecimal());
        using var ok = await _gw.ChatAsync(key);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Regenerate_replaces_the_secret_and_keeps_the_settings()
    {
        var old = await _gw.GenerateAsync("""{"key_alias":"rotating","rpm_limit":42}""");
        var fresh = (await _gw.PostAsync("/key/regenerate", $$"""{"key":"{{old}}"}""")).GetProperty("key").GetString()!;
        Assert.NotEqual(old, fresh);
        using (var r = await _gw.ChatAsync(old)) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await _gw.ChatAsync(fresh)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var info = await _gw.InfoAsync(fresh);
        Assert.Equal(42, info.GetProperty("rpm_limit").GetInt32());
        Assert.Equal("rotating", info.GetProperty("key_alias").GetString());
    }

    [Fact]
    public async Task Regenerate_onto_a_taken_alias_is_refused_and_the_old_key_keeps_working()
    {
        var old = await _gw.GenerateAsync("""{"key_alias":"keeper"}""");
        await _gw.GenerateAsync("""{"key_alias":"taken"}""");
        var error = await _gw.PostAsync("/key/regenerate", $$"""{"key":"{{old}}","key_alias":"taken"}""", expectedStatus: 400);
        Assert.Equal("duplicate_alias", error.GetProperty("error").GetProperty("code").GetString());
        using (var r = await _gw.ChatAsync(old)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("keeper", (await _gw.InfoAsync(old)).GetProperty("key_alias").GetString());
        Assert.Equal(2, (await _gw.GetJsonAsync("/key/list")).GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Keys_list_in_pages_and_delete_by_alias()
    {
        var team = (await _gw.PostAsync("/team/new", """{"team_id":"paging"}""")).GetProperty("team_id").GetString();
        for (var i = 0; i < 3; i++) await _gw.GenerateAsync($$"""{"team_id":"paging","key_alias":"p{{i}}"}""");
        var page2 = await _gw.GetJsonAsync("/key/list?team_id=paging&page=2&size=2");
        Assert.Equal(3, page2.GetProperty("total_count").GetInt32());
        Assert.Equal(2, page2.GetProperty("total_pages").GetInt32());
        Assert.Equal(1, page2.GetProperty("keys").GetArrayLength());
        await _gw.PostAsync("/key/delete", """{"key_aliases":["p0","p1"]}""");
        Assert.Equal(1, (await _gw.GetJsonAsync("/key/list?team_id=paging")).GetProperty("total_count").GetInt32());
        Assert.Equal("paging", team);
    }

    [Fact]
    public async Task Management_is_master_key_only_and_validates_fields()
    {
        var key = await _gw.GenerateAsync();
        using var asKey = new HttpRequestMessage(HttpMethod.Post, new Uri(_gw.BaseAddress, "/key/generate")) { Content = new StringContent("{}") };
        asKey.Headers.Authorization = new("Bearer", key);
        using (var r = await new HttpClient().SendAsync(asKey)) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);

        var bad = await _gw.PostAsync("/key/generate", """{"budget_duration":"fortnight"}""", 400);
        Assert.Equal("budget_duration", bad.GetProperty("error").GetProperty("param").GetString());
        var badType = await _gw.PostAsync("/key/generate", """{"max_budget":"lots"}""", 400);
        Assert.Equal("max_budget", badType.GetProperty("error").GetProperty("param").GetString());
        var noTeam = await _gw.PostAsync("/key/generate", """{"team_id":"nope"}""", 404);
        Assert.Equal("team_id", noTeam.GetProperty("error").GetProperty("param").GetString());
        await _gw.GetJsonAsync("/key/info?key=sk-unknown", 404);
    }

    [Fact]
    public async Task The_master_key_keeps_full_access_without_limit_headers()
    {
        using var r = await _gw.Http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"other","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.False(r.Headers.Contains(Gateway.Limits.LimitHeaders.KeySpendHeader));
    }

    private static byte[] ReadShared(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var m = new MemoryStream();
        f.CopyTo(m);
        return m.ToArray();
    }
}
