using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Keys.LiteLlm;

/// <summary>
/// The user subset of LiteLLM's proxy end-to-end tests (BerriAI/litellm <c>tests/test_users.py</c>), written anew
/// against our gateway; each test names the LiteLLM test whose behaviour it checks.
/// </summary>
public sealed class LiteLlmUserTests : IAsyncLifetime
{
    private TestGateway _gw = null!;

    public async Task InitializeAsync() => _gw = await KeyGateway.StartAsync(KeyGateway.NewStorePath(), TestClock.TenSecondsIntoAMinute());
    public async Task DisposeAsync() => await _gw.DisposeAsync();

    /// <summary>A body in the shape test_users.py's <c>new_user</c> sends.</summary>
    private static string NewUserBody(string? userId = null) =>
        $$"""{"models":["priced"],"aliases":{"mistral-7b":"priced"},"duration":null,"max_budget":null,"budget_duration":null{{(userId is null ? "" : $",\"user_id\":\"{userId}\"")}}}""";

    [Fact] // test_user_new: parallel /user/new calls all succeed, each answering with a key for the new user
    public async Task Ten_users_created_in_parallel_each_get_a_working_key()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _gw.PostAsync("/user/new", NewUserBody())));
        Assert.Equal(10, answers.Select(a => a.GetProperty("user_id").GetString()).Distinct().Count());
        foreach (var a in answers)
        {
            var key = a.GetProperty("key").GetString()!;
            Assert.Matches("^sk-[0-9a-f]{64}$", key);
            var info = await _gw.InfoAsync(key);
            Assert.Equal(a.GetProperty("user_id").GetString(), info.GetProperty("user_id").GetString());
            Assert.Equal(["priced"], info.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        }
        using var r = await _gw.ChatAsync(answers[0].GetProperty("key").GetString()!, model: "mistral-7b");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact] // test_user_info: as admin, as the user themself (their key), as a random user's key -> 403
    public async Task User_info_answers_the_admin_and_the_users_own_key_and_refuses_others()
    {
        var userId = $"krrish_{Guid.NewGuid():N}@berri.ai";
        var key = (await _gw.PostAsync("/user/new", NewUserBody(userId))).GetProperty("key").GetString()!;
        var asAdmin = await _gw.GetJsonAsync("/user/info?user_id=" + Uri.EscapeDataString(userId));
        Assert.Equal(userId, asAdmin.GetProperty("user_id").GetString());
        Assert.Equal(Gateway.Keys.KeySecrets.Hash(key), asAdmin.GetProperty("keys")[0].GetString());

        var (status, self) = await _gw.AsKeyAsync(key, HttpMethod.Get, "/user/info?user_id=" + Uri.EscapeDataString(userId));
        Assert.Equal(200, status);
        Assert.Equal(userId, self.GetProperty("user_info").GetProperty("user_id").GetString());
        (status, self) = await _gw.AsKeyAsync(key, HttpMethod.Get, "/user/info");
        Assert.Equal(200, status);
        Assert.Equal(userId, self.GetProperty("user_id").GetString());

        var random = (await _gw.PostAsync("/user/new", NewUserBody())).GetProperty("key").GetString()!;
        var (refused, error) = await _gw.AsKeyAsync(random, HttpMethod.Get, "/user/info?user_id=" + Uri.EscapeDataString(userId));
        Assert.Equal(403, refused);
        Assert.Equal("permission_error", error.GetProperty("error").GetProperty("type").GetString());
        // A key that belongs to no user has no user info of its own.
        var loose = await _gw.GenerateAsync();
        Assert.Equal(403, (await _gw.AsKeyAsync(loose, HttpMethod.Get, "/user/info")).Status);
    }

    [Fact] // test_user_update (empty in LiteLLM): change a user's models, and its key follows at once
    public async Task Updating_a_users_models_binds_its_keys()
    {
        var userId = "u-" + Guid.NewGuid().ToString("N");
        var key = (await _gw.PostAsync("/user/new", $$"""{"user_id":"{{userId}}","user_email":"u@example.com"}""")).GetProperty("key").GetString()!;
        using (var before = await _gw.ChatAsync(key, model: "other")) Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var updated = await _gw.PostAsync("/user/update", """{"user_email":"u@example.com","models":["priced"],"max_budget":3}""");
        Assert.Equal(userId, updated.GetProperty("user_id").GetString());
        Assert.Equal(3m, updated.GetProperty("max_budget").GetDecimal());
        using (var after = await _gw.ChatAsync(key, model: "other")) Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        // Spend comes from the calls made; LiteLLM's {"spend": 0} reset is refused, not silently ignored.
        var error = await _gw.PostAsync("/user/update", $$"""{"user_id":"{{userId}}","spend":0}""", 400);
        Assert.Equal("spend", error.GetProperty("error").GetProperty("param").GetString());
        await _gw.PostAsync("/user/update", """{"user_id":"nobody"}""", 404);
    }

    [Fact]
    public async Task Deleting_a_user_deletes_its_keys_and_memberships_and_the_list_pages()
    {
        var prefix = "list-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 5; i++) await _gw.PostAsync("/user/new", $$"""{"user_id":"{{prefix}}-{{i}}","user_role":"{{(i == 0 ? "proxy_admin" : "internal_user")}}","auto_create_key":false}""");
        var team = (await _gw.PostAsync("/team/new", $$"""{"members_with_roles":[{"role":"user","user_id":"{{prefix}}-1"}]}""")).GetProperty("team_id").GetString();
        var key = (await _gw.PostAsync("/key/generate", $$"""{"user_id":"{{prefix}}-1"}""")).GetProperty("key").GetString()!;

        var page = await _gw.GetJsonAsync($"/user/list?page=2&page_size=2&user_ids={prefix}-0,{prefix}-1,{prefix}-2,{prefix}-3,{prefix}-4");
        Assert.Equal(5, page.GetProperty("total").GetInt32());
        Assert.Equal(3, page.GetProperty("total_pages").GetInt32());
        Assert.Equal([$"{prefix}-2", $"{prefix}-3"], page.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("user_id").GetString()));
        Assert.Equal(1, (await _gw.GetJsonAsync($"/user/list?role=proxy_admin&user_ids={prefix}-0,{prefix}-1")).GetProperty("total").GetInt32());

        var deleted = await _gw.PostAsync("/user/delete", $$"""{"user_ids":["{{prefix}}-1"]}""");
        Assert.Equal($"{prefix}-1", deleted.GetProperty("deleted_users")[0].GetString());
        using (var r = await _gw.ChatAsync(key)) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal(0, (await _gw.GetJsonAsync("/team/info?team_id=" + team)).GetProperty("team_info").GetProperty("members_with_roles").GetArrayLength());
        await _gw.GetJsonAsync($"/user/info?user_id={prefix}-1", 404);
        await _gw.PostAsync("/user/delete", $$"""{"user_ids":["{{prefix}}-1"]}""", 404);
    }
}
