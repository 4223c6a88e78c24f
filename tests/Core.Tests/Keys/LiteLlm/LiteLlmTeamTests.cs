using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Keys.LiteLlm;

/// <summary>
/// The team subset of LiteLLM's proxy end-to-end tests (BerriAI/litellm <c>tests/test_team.py</c>), written anew
/// against our gateway; each test names the LiteLLM test whose behaviour it checks.
/// </summary>
public sealed class LiteLlmTeamTests : IAsyncLifetime
{
    private TestGateway _gw = null!;

    public async Task InitializeAsync() => _gw = await KeyGateway.StartAsync(KeyGateway.NewStorePath(), TestClock.TenSecondsIntoAMinute());
    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private static string NewId() => Guid.NewGuid().ToString();

    private Task<JsonElement> NewTeamAsync(string members = "[]", string extra = "") =>
        _gw.PostAsync("/team/new", $$"""{"team_alias":"my-new-team","members_with_roles":{{members}}{{extra}}}""");

    private static IEnumerable<string?> MemberIds(JsonElement team) =>
        team.GetProperty("members_with_roles").EnumerateArray().Select(m => m.GetProperty("user_id").GetString());

    [Fact] // test_team_new: ten /team/new calls in parallel all succeed
    public async Task Ten_teams_created_in_parallel_all_exist()
    {
        var userId = NewId();
        var teams = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => NewTeamAsync($$"""[{"role":"user","user_id":"{{userId}}"}]""")));
        Assert.Equal(10, teams.Select(t => t.GetProperty("team_id").GetString()).Distinct().Count());
        var listed = await _gw.GetJsonAsync("/team/list?user_id=" + userId);
        Assert.Equal(10, listed.GetArrayLength());
        Assert.All(listed.EnumerateArray(), t => Assert.Equal([userId], MemberIds(t)));
    }

    [Fact] // test_team_info: admin 200, a key of the team 200, a key of no team 403
    public async Task Team_info_answers_the_admin_and_the_teams_keys_and_refuses_other_keys()
    {
        var teamId = (await NewTeamAsync()).GetProperty("team_id").GetString()!;
        Assert.Equal(teamId, (await _gw.GetJsonAsync("/team/info?team_id=" + teamId)).GetProperty("team_id").GetString());

        var teamKey = await _gw.GenerateAsync($$"""{"team_id":"{{teamId}}"}""");
        var (status, info) = await _gw.AsKeyAsync(teamKey, HttpMethod.Get, "/team/info?team_id=" + teamId);
        Assert.Equal(200, status);
        Assert.Equal("my-new-team", info.GetProperty("team_info").GetProperty("team_alias").GetString());
        Assert.Equal(200, (await _gw.AsKeyAsync(teamKey, HttpMethod.Get, "/team/info")).Status);

        var otherKey = await _gw.GenerateAsync();
        Assert.Equal(403, (await _gw.AsKeyAsync(otherKey, HttpMethod.Get, "/team/info?team_id=" + teamId)).Status);
        var otherTeam = (await NewTeamAsync()).GetProperty("team_id").GetString()!;
        Assert.Equal(403, (await _gw.AsKeyAsync(teamKey, HttpMethod.Get, "/team/info?team_id=" + otherTeam)).Status);
    }

    [Fact] // test_team_update_sc_2: add ten members, change the alias, the rest of the team is unchanged
    public async Task Adding_ten_members_and_renaming_keeps_everything_else()
    {
        var admin = NewId();
        await _gw.PostAsync("/user/new", $$"""{"user_id":"{{admin}}"}""");
        var team = await NewTeamAsync($$"""[{"role":"admin","user_id":"{{admin}}"}]""", ",\"max_budget\":5,\"models\":[\"priced\"]");
        var teamId = team.GetProperty("team_id").GetString()!;
        var members = string.Join(",", Enumerable.Range(0, 10).Select(_ => $$"""{"role":"user","user_id":"krrish_{{NewId()}}@berri.ai"}"""));
        await _gw.PostAsync("/team/member_add", $$"""{"team_id":"{{teamId}}","member":[{{members}}]}""");
        var info = await _gw.GetJsonAsync("/team/info?team_id=" + teamId);
        Assert.Equal(11, info.GetProperty("team_info").GetProperty("members_with_roles").GetArrayLength());

        var updated = await _gw.PostAsync("/team/update", $$"""{"team_id":"{{teamId}}","team_alias":"renamed"}""");
        var data = updated.GetProperty("data");
        Assert.Equal("renamed", data.GetProperty("team_alias").GetString());
        Assert.Equal(5m, data.GetProperty("max_budget").GetDecimal());
        Assert.Equal(["priced"], data.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(11, data.GetProperty("members_with_roles").GetArrayLength());
        Assert.Equal(team.GetProperty("created_at").GetString(), data.GetProperty("created_at").GetString());
    }

    [Fact] // test_team_member_add_email: a member added by email shows the team in that user's info
    public async Task A_member_added_by_email_sees_the_team_in_user_info()
    {
        var teamId = (await NewTeamAsync()).GetProperty("team_id").GetString()!;
        var email = $"krrish{NewId()}@berri.ai";
        var userId = (await _gw.PostAsync("/user/new", $$"""{"user_email":"{{email}}"}""")).GetProperty("user_id").GetString()!;
        await _gw.PostAsync("/team/member_add", $$"""{"team_id":"{{teamId}}","member":[{"role":"user","user_email":"{{email}}"}]}""");
        var info = await _gw.GetJsonAsync("/user/info?user_id=" + userId);
        Assert.Contains(teamId, info.GetProperty("teams").EnumerateArray().Select(t => t.GetProperty("team_id").GetString()));
    }

    [Fact] // test_team_delete: membership goes, the team's key goes, team info is then 404
    public async Task Deleting_a_team_removes_its_keys_and_memberships()
    {
        var (admin, normal) = (NewId(), NewId());
        await _gw.PostAsync("/user/new", $$"""{"user_id":"{{admin}}"}""");
        await _gw.PostAsync("/user/new", $$"""{"user_id":"{{normal}}"}""");
        var teamId = (await NewTeamAsync($$"""[{"role":"admin","user_id":"{{admin}}"},{"role":"user","user_id":"{{normal}}"}]""")).GetProperty("team_id").GetString()!;
        Assert.Equal(1, (await _gw.GetJsonAsync("/user/info?user_id=" + normal)).GetProperty("teams").GetArrayLength());
        var key = await _gw.GenerateAsync($$"""{"team_id":"{{teamId}}"}""");
        using (var r = await _gw.ChatAsync(key)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        await _gw.PostAsync("/team/delete", $$"""{"team_ids":["{{teamId}}"]}""");
        Assert.Equal(0, (await _gw.GetJsonAsync("/user/info?user_id=" + normal)).GetProperty("teams").GetArrayLength());
        await _gw.GetJsonAsync("/team/info?team_id=" + teamId, 404);
        using (var r = await _gw.ChatAsync(key)) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }

    [Theory] // test_member_delete[user_id] and [user_email]
    [InlineData("user_id")]
    [InlineData("user_email")]
    public async Task A_member_is_deleted_by_id_or_by_email(string dimension)
    {
        var normal = NewId();
        var email = normal + "@berri.ai";
        var member = dimension == "user_id" ? $$"""{"role":"user","user_id":"{{normal}}"}""" : $$"""{"role":"user","user_email":"{{email}}"}""";
        var team = await NewTeamAsync($$"""[{"role":"admin","user_id":"{{NewId()}}"},{{member}}]""");
        Assert.Equal(2, team.GetProperty("members_with_roles").GetArrayLength());
        var value = dimension == "user_id" ? normal : email;
        var after = await _gw.PostAsync("/team/member_delete", $$"""{"team_id":"{{team.GetProperty("team_id").GetString()}}","{{dimension}}":"{{value}}"}""");
        Assert.Equal(1, after.GetProperty("members_with_roles").GetArrayLength());
        Assert.Equal("admin", after.GetProperty("members_with_roles")[0].GetProperty("role").GetString());
        await _gw.PostAsync("/team/member_delete", $$"""{"team_id":"{{team.GetProperty("team_id").GetString()}}","{{dimension}}":"{{value}}"}""", 404);
    }

    [Fact] // test_team_alias: a team's model_aliases work for its keys
    public async Task A_team_model_alias_serves_the_teams_keys()
    {
        var teamId = (await NewTeamAsync(extra: ",\"model_aliases\":{\"cheap-model\":\"priced\"}")).GetProperty("team_id").GetString()!;
        var key = await _gw.GenerateAsync($$"""{"team_id":"{{teamId}}","models":["priced"]}""");
        using var r = await _gw.ChatAsync(key, model: "cheap-model");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // A key outside the team does not get the team's alias.
        using var other = await _gw.ChatAsync(await _gw.GenerateAsync(), model: "cheap-model");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task Team_models_can_be_added_and_removed_and_a_blocked_teams_keys_get_401()
    {
        var teamId = (await NewTeamAsync(extra: ",\"models\":[\"other\"]")).GetProperty("team_id").GetString()!;
        var key = await _gw.GenerateAsync($$"""{"team_id":"{{teamId}}"}""");
        using (var r = await _gw.ChatAsync(key, model: "priced")) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        var added = await _gw.PostAsync("/team/model/add", $$"""{"team_id":"{{teamId}}","models":["priced","other"]}""");
        Assert.Equal(["other", "priced"], added.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        using (var r = await _gw.ChatAsync(key, model: "priced")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await _gw.PostAsync("/team/model/delete", $$"""{"team_id":"{{teamId}}","models":["priced"]}""");
        using (var r = await _gw.ChatAsync(key, model: "priced")) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);

        Assert.True((await _gw.PostAsync("/team/block", $$"""{"team_id":"{{teamId}}"}""")).GetProperty("blocked").GetBoolean());
        using (var r = await _gw.ChatAsync(key, model: "other")) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        await _gw.PostAsync("/team/unblock", $$"""{"team_id":"{{teamId}}"}""");
        using (var r = await _gw.ChatAsync(key, model: "other")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await _gw.PostAsync("/team/block", """{"team_id":"no-such-team"}""", 404);
        var error = await _gw.PostAsync("/team/member_add", $$$"""{"team_id":"{{{teamId}}}","member":{"role":"owner","user_id":"x"}}""", 400);
        Assert.Equal("member", error.GetProperty("error").GetProperty("param").GetString());
    }
}
