using System.Text.Json;
using Gateway.Keys;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.AdminUi;

/// <summary>
/// The admin API reads the console added: <c>/global/spend/summary</c> through HTTP (auth, range checks, a call's spend
/// showing up), the report filtered to one key or team, and the key list searched by alias. Each is the master key's;
/// a virtual key gets 403 and learns nothing.
/// </summary>
public sealed class ConsoleApiTests : IAsyncLifetime
{
    private TestGateway _gw = null!;
    private string _key = null!, _otherKey = null!;

    public async Task InitializeAsync()
    {
        _gw = await KeyGateway.StartAsync(KeyGateway.NewStorePath());
        await _gw.PostAsync("/team/new", """{"team_id":"t1","team_alias":"One","max_budget":2}""");
        _key = await _gw.GenerateAsync("""{"key_alias":"mine","team_id":"t1","max_budget":1}""");
        _otherKey = await _gw.GenerateAsync("""{"key_alias":"other"}""");
        foreach (var key in new[] { _key, _key, _otherKey })
        {
            using var r = await _gw.ChatAsync(key, extra: ",\"max_tokens\":10");
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }
        await _gw.SpendEventsAsync(_key, 2);
        await _gw.SpendEventsAsync(_otherKey, 1);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    [Fact]
    public async Task The_summary_shows_calls_spend_by_model_top_keys_and_the_keys_budget()
    {
        var s = await _gw.GetJsonAsync("/global/spend/summary");
        var calls = new[] { _key, _key, _otherKey };
        var spend = (await _gw.SpendEventsAsync(_key, 2)).Concat(await _gw.SpendEventsAsync(_otherKey, 1)).Sum(e => e.GetProperty("spend").GetDecimal());
        Assert.True(spend > 0);
        Assert.Equal(calls.Length, s.GetProperty("today").GetProperty("requests").GetInt64());
        Assert.Equal(spend, s.GetProperty("today").GetProperty("spend").GetDecimal());
        var day = s.GetProperty("daily").EnumerateArray().Single();
        Assert.Equal("priced", day.GetProperty("models").EnumerateArray().Single().GetProperty("model").GetString());
        Assert.Equal("mine", s.GetProperty("top_keys")[0].GetProperty("label").GetString());
        Assert.Equal("One", s.GetProperty("top_teams")[0].GetProperty("label").GetString());
        var budgets = s.GetProperty("budgets").EnumerateArray().Select(b => (b.GetProperty("type").GetString(), b.GetProperty("label").GetString())).ToList();
        Assert.Equal([("key", "mine"), ("team", "One")], budgets); // mine: 2 calls of its $1; the team's $2 is half as used
        Assert.Equal(KeySecrets.Hash(_key), s.GetProperty("budgets")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("start_date=2026-13-01", "start_date")]
    [InlineData("start_date=2020-01-01&end_date=2026-01-01", "start_date")]
    [InlineData("end_date=2026-01-01&start_date=2026-02-01", "start_date")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=51", "limit")]
    [InlineData("limit=abc", "limit")]
    public async Task Bad_summary_parameters_are_400s_naming_the_field(string query, string param)
    {
        var error = (await _gw.GetJsonAsync("/global/spend/summary?" + query, 400)).GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_report_filtered_to_a_key_or_team_holds_only_that_one()
    {
        var byKey = await _gw.GetJsonAsync("/global/spend/report?group_by=api_key&api_key=" + Uri.EscapeDataString(_key));
        var groups = byKey.EnumerateArray().SelectMany(d => d.GetProperty("groups").EnumerateArray()).ToList();
        Assert.Equal([KeySecrets.Hash(_key)], groups.Select(g => g.GetProperty("name").GetString()).Distinct());
        Assert.Equal(2, groups.Sum(g => g.GetProperty("requests").GetInt64()));
        var byToken = await _gw.GetJsonAsync("/global/spend/report?group_by=api_key&api_key=" + KeySecrets.Hash(_key));
        Assert.Equal(byKey.ToString(), byToken.ToString());

        var byTeam = await _gw.GetJsonAsync("/global/spend/report?group_by=team&team_id=t1");
        Assert.Equal(["t1"], byTeam.EnumerateArray().SelectMany(d => d.GetProperty("groups").EnumerateArray()).Select(g => g.GetProperty("name").GetString()).Distinct());
        Assert.Empty((await _gw.GetJsonAsync("/global/spend/report?group_by=team&team_id=nobody")).EnumerateArray());

        var wrong = (await _gw.GetJsonAsync("/global/spend/report?group_by=model&api_key=" + KeySecrets.Hash(_key), 400)).GetProperty("error");
        Assert.Equal("api_key", wrong.GetProperty("param").GetString());
    }

    [Fact]
    public async Task The_key_list_finds_a_key_by_its_exact_alias_only()
    {
        var found = await _gw.GetJsonAsync("/key/list?return_full_object=true&key_alias=mine");
        Assert.Equal(1, found.GetProperty("total_count").GetInt32());
        Assert.Equal(KeySecrets.Hash(_key), found.GetProperty("keys")[0].GetProperty("token").GetString());
        Assert.Equal(0, (await _gw.GetJsonAsync("/key/list?key_alias=min")).GetProperty("total_count").GetInt32());
        Assert.Equal(0, (await _gw.GetJsonAsync("/key/list?key_alias=mine&team_id=other-team")).GetProperty("total_count").GetInt32());
        Assert.Empty((await _gw.GetJsonAsync("/key/list?key_alias=mine&page=2")).GetProperty("keys").EnumerateArray());
    }

    [Theory]
    [InlineData("/global/spend/summary")]
    [InlineData("/global/spend/report?group_by=api_key&api_key=OTHER")]
    [InlineData("/key/list?key_alias=other")]
    public async Task A_virtual_key_reads_none_of_it(string path)
    {
        var (status, body) = await _gw.AsKeyAsync(_key, HttpMethod.Get, path.Replace("OTHER", KeySecrets.Hash(_otherKey)));
        Assert.Equal(403, status);
        Assert.Equal("permission_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain(KeySecrets.Hash(_otherKey), body.ToString());
    }
}
