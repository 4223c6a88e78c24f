using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Keys;

/// <summary>End users (LiteLLM's customers): the <c>user</c> a request names, with budgets, limits and blocking that hold across keys.</summary>
public sealed class EndUserTests : IAsyncLifetime
{
    private TestGateway _gw = null!;

    public async Task InitializeAsync() => _gw = await KeyGateway.StartAsync(KeyGateway.NewStorePath(), TestClock.TenSecondsIntoAMinute());
    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private static string For(string user) => $",\"max_tokens\":1,\"mock_response\":\"ok\",\"user\":\"{user}\""; // $0.001 on "priced"

    [Fact]
    public async Task End_users_are_created_read_updated_listed_and_deleted()
    {
        var id = "eu-" + Guid.NewGuid().ToString("N");
        var created = await _gw.PostAsync("/customer/new", $$"""{"user_id":"{{id}}","alias":"Acme","max_budget":2,"rpm_limit":10,"default_model":"priced"}""");
        Assert.Equal(2m, created.GetProperty("litellm_budget_table").GetProperty("max_budget").GetDecimal());
        await _gw.PostAsync("/customer/new", $$"""{"user_id":"{{id}}"}""", 400);

        var info = await _gw.GetJsonAsync("/customer/info?end_user_id=" + id);
        Assert.Equal("Acme", info.GetProperty("alias").GetString());
        Assert.Equal(0m, info.GetProperty("spend").GetDecimal());
        Assert.False(info.GetProperty("blocked").GetBoolean());

        var updated = await _gw.PostAsync("/customer/update", $$"""{"user_id":"{{id}}","max_budget":3,"alias":null}""");
        Assert.Equal(3m, updated.GetProperty("litellm_budget_table").GetProperty("max_budget").GetDecimal());
        Assert.Equal(10, updated.GetProperty("litellm_budget_table").GetProperty("rpm_limit").GetInt32());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("alias").ValueKind);
        Assert.Contains(id, (await _gw.GetJsonAsync("/customer/list")).EnumerateArray().Select(e => e.GetProperty("user_id").GetString()));

        Assert.Equal(id, (await _gw.PostAsync("/customer/delete", $$"""{"user_ids":["{{id}}"]}""")).GetProperty("deleted_customers")[0].GetString());
        await _gw.GetJsonAsync("/customer/info?end_user_id=" + id, 404);
        await _gw.PostAsync("/customer/update", $$"""{"user_id":"{{id}}"}""", 404);
        await _gw.PostAsync("/customer/new", "{}", 400);
        await _gw.PostAsync("/customer/new", $$"""{"user_id":"{{new string('x', 257)}}"}""", 400);
    }

    [Fact]
    public async Task A_blocked_end_user_is_refused_whichever_key_calls_and_others_are_served()
    {
        var (a, b) = (await _gw.GenerateAsync(), await _gw.GenerateAsync());
        // Blocking an end user not yet known creates it, blocked (as LiteLLM does).
        var blocked = await _gw.PostAsync("/customer/block", """{"user_ids":["mallory"]}""");
        Assert.True(blocked.GetProperty("blocked_users")[0].GetProperty("blocked").GetBoolean());
        foreach (var key in new[] { a, b, _gw.MasterKey! })
            using (var r = await _gw.ChatAsync(key, extra: For("mallory")))
            {
                Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
                var error = await KeyGateway.ErrorOf(r);
                Assert.Equal("end_user_blocked", error.GetProperty("code").GetString());
                Assert.Equal("user", error.GetProperty("param").GetString());
            }
        using (var r = await _gw.ChatAsync(a, extra: For("alice"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // The refused calls cost the key nothing: one served call, $0.001.
        Assert.Equal(0.001m, (await _gw.InfoAsync(a)).GetProperty("spend").GetDecimal());
        Assert.Equal(1, (await _gw.InfoAsync(a)).GetProperty("requests_this_minute").GetInt64());

        await _gw.PostAsync("/customer/unblock", """{"user_ids":["mallory"]}""");
        using (var r = await _gw.ChatAsync(b, extra: For("mallory"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task An_end_users_budget_stops_that_user_across_keys_and_the_master_key()
    {
        await _gw.PostAsync("/customer/new", """{"user_id":"bob","max_budget":0.002,"budget_duration":"30d"}""");
        var (a, b) = (await _gw.GenerateAsync(), await _gw.GenerateAsync());
        using (var r = await _gw.ChatAsync(a, extra: For("bob"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await _gw.ChatAsync(_gw.MasterKey!, extra: For("bob"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await _gw.ChatAsync(b, extra: For("bob")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            var error = await KeyGateway.ErrorOf(r);
            Assert.Equal("budget_exceeded", error.GetProperty("code").GetString());
            Assert.Contains("end user 'bob'", error.GetProperty("message").GetString());
        }
        using (var r = await _gw.ChatAsync(b, extra: For("carol"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var info = await _gw.GetJsonAsync("/customer/info?end_user_id=bob");
        Assert.Equal(0.002m, info.GetProperty("spend").GetDecimal());
        Assert.NotEqual(JsonValueKind.Null, info.GetProperty("budget_reset_at").ValueKind);
        Assert.Equal(0.001m, (await _gw.InfoAsync(b)).GetProperty("spend").GetDecimal()); // only carol's call
    }

    [Fact]
    public async Task Max_end_user_budget_limits_every_end_user_without_a_budget_of_their_own()
    {
        var yaml = Yaml.Config(extraModels: KeyGateway.PricedModels) + "\nlitellm_settings:\n  max_end_user_budget: 0.001\n";
        await using var gw = await TestGateway.StartAsync(yaml, new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() });
        var key = await gw.GenerateAsync();
        await gw.PostAsync("/customer/new", """{"user_id":"big","max_budget":0.003}""");
        await gw.PostAsync("/customer/new", """{"user_id":"known-no-budget","rpm_limit":100}""");
        foreach (var user in new[] { "stranger", "known-no-budget" })
        {
            using (var first = await gw.ChatAsync(key, extra: For(user))) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            using (var second = await gw.ChatAsync(key, extra: For(user))) Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        }
        for (var i = 0; i < 3; i++)
            using (var r = await gw.ChatAsync(key, extra: For("big"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await gw.ChatAsync(key, extra: For("big"))) Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        // A call that names no end user is not held to it.
        using (var r = await gw.ChatAsync(key, extra: ",\"max_tokens\":1")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(0.001m, (await gw.GetJsonAsync("/customer/info?end_user_id=known-no-budget")).GetProperty("spend").GetDecimal());
    }
}
