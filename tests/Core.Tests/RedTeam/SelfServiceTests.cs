using System.Net;
using Gateway.Keys;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.RedTeam;

/// <summary>
/// What a virtual key may do about itself through the management API: read its own key, user and team info, and
/// nothing else. It must not raise its own budget, unblock itself, lift its end user's block, or read another key's,
/// user's or team's info; each try is a 403 that changes nothing.
/// </summary>
public sealed class SelfServiceTests : IAsyncLifetime
{
    private TestGateway _gw = null!;
    private string _key = null!, _otherKey = null!, _team = null!, _otherTeam = null!;
    private const string User = "self-user", OtherUser = "other-user";

    public async Task InitializeAsync()
    {
        _gw = await KeyGateway.StartAsync(KeyGateway.NewStorePath(), TestClock.TenSecondsIntoAMinute());
        _team = (await _gw.PostAsync("/team/new", """{"max_budget":1}""")).GetProperty("team_id").GetString()!;
        _otherTeam = (await _gw.PostAsync("/team/new", "{}")).GetProperty("team_id").GetString()!;
        _key = (await _gw.PostAsync("/user/new", $$"""{"user_id":"{{User}}","team_id":"{{_team}}","max_budget":1,"models":["priced"]}""")).GetProperty("key").GetString()!;
        _otherKey = (await _gw.PostAsync("/user/new", $$"""{"user_id":"{{OtherUser}}","team_id":"{{_otherTeam}}"}""")).GetProperty("key").GetString()!;
        await _gw.PostAsync("/key/update", $$"""{"key":"{{_key}}","max_budget":0.01,"models":["priced"]}""");
        await _gw.PostAsync("/customer/block", """{"user_ids":["blocked-eu"]}""");
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    public static TheoryData<string, string, string> Escalations() => new()
    {
        { "raise its own budget", "/key/update", """{"key":"SELF","max_budget":1000}""" },
        { "widen its models", "/key/update", """{"key":"SELF","models":["*"]}""" },
        { "set a model budget", "/key/update", """{"key":"SELF","model_max_budget":{"priced":1000}}""" },
        { "add an alias", "/key/update", """{"key":"SELF","aliases":{"x":"other"}}""" },
        { "unblock itself", "/key/unblock", """{"key":"SELF"}""" },
        { "block another key", "/key/block", """{"key":"OTHER"}""" },
        { "regenerate itself", "/key/regenerate", """{"key":"SELF"}""" },
        { "mint a key", "/key/generate", """{"max_budget":1000}""" },
        { "delete another key", "/key/delete", """{"keys":["OTHER"]}""" },
        { "raise its user's budget", "/user/update", $$"""{"user_id":"{{User}}","max_budget":1000}""" },
        { "make a user with a key", "/user/new", """{"user_id":"mine"}""" },
        { "raise its team's budget", "/team/update", """{"team_id":"TEAM","max_budget":1000}""" },
        { "add a model to its team", "/team/model/add", """{"team_id":"TEAM","models":["other"]}""" },
        { "join another team", "/team/member_add", """{"team_id":"OTHERTEAM","member":{"role":"admin","user_id":"self-user"}}""" },
        { "unblock its team", "/team/unblock", """{"team_id":"TEAM"}""" },
        { "unblock an end user", "/customer/unblock", """{"user_ids":["blocked-eu"]}""" },
        { "raise an end user's budget", "/customer/update", """{"user_id":"blocked-eu","max_budget":1000}""" },
    };

    [Theory]
    [MemberData(nameof(Escalations))]
    public async Task A_key_cannot_change_governance(string attempt, string path, string body)
    {
        var json = body.Replace("OTHERTEAM", _otherTeam).Replace("SELF", _key).Replace("OTHER", _otherKey).Replace("TEAM", _team);
        var (status, error) = await _gw.AsKeyAsync(_key, HttpMethod.Post, path, json);
        Assert.True(status == 403, $"{attempt}: HTTP {status} {error}");
        Assert.Equal("permission_error", error.GetProperty("error").GetProperty("type").GetString());

        var info = await _gw.InfoAsync(_key);
        Assert.Equal(0.01m, info.GetProperty("max_budget").GetDecimal());
        Assert.Equal(["priced"], info.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, info.GetProperty("aliases").ValueKind);
        Assert.Equal(1m, (await _gw.GetJsonAsync("/team/info?team_id=" + _team)).GetProperty("team_info").GetProperty("max_budget").GetDecimal());
        Assert.Equal(1m, (await _gw.GetJsonAsync("/user/info?user_id=" + User)).GetProperty("user_info").GetProperty("max_budget").GetDecimal());
        Assert.True((await _gw.GetJsonAsync("/customer/info?end_user_id=blocked-eu")).GetProperty("blocked").GetBoolean());
        using var call = await _gw.ChatAsync(_otherKey);
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
    }

    [Fact]
    public async Task A_key_reads_its_own_info_and_no_one_elses()
    {
        Assert.Equal(200, (await _gw.AsKeyAsync(_key, HttpMethod.Get, "/key/info")).Status);
        Assert.Equal(200, (await _gw.AsKeyAsync(_key, HttpMethod.Get, "/user/info?user_id=" + User)).Status);
        Assert.Equal(200, (await _gw.AsKeyAsync(_key, HttpMethod.Get, "/team/info?team_id=" + _team)).Status);

        string[] others =
        [
            "/key/info?key=" + _otherKey, "/key/info?key=" + KeySecrets.Hash(_otherKey), "/user/info?user_id=" + OtherUser,
            "/team/info?team_id=" + _otherTeam, "/key/list", "/user/list", "/team/list", "/customer/list", "/customer/info?end_user_id=blocked-eu",
            // The console's reads: the overview's summary, a report narrowed to another key, the key search.
            "/global/spend/summary", "/global/spend/report?group_by=api_key&api_key=" + KeySecrets.Hash(_otherKey), "/key/list?key_alias=x",
        ];
        foreach (var path in others)
        {
            var (status, body) = await _gw.AsKeyAsync(_key, HttpMethod.Get, path);
            Assert.True(status == 403, $"{path}: HTTP {status} {body}");
            Assert.DoesNotContain(KeySecrets.Hash(_otherKey), body.ToString());
        }
    }
}
