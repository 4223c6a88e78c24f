using System.Net;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Budgets;

/// <summary>
/// <c>budget_enforcement</c> chosen per key, per team and for the gateway (<c>litellm_settings</c>), checked by the
/// management API and stored with the key or team; <c>soft</c> behaves as LiteLLM does.
/// </summary>
public sealed class EnforcementModeTests : IAsyncLifetime
{
    private BudgetUpstream _up = null!;
    private TestGateway _gw = null!;

    public async Task InitializeAsync()
    {
        _up = await BudgetUpstream.StartAsync();
        _gw = await _up.GatewayAsync();
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _up.DisposeAsync();
    }

    [Fact]
    public async Task Soft_mode_refuses_a_tiny_budget_only_after_the_first_call_crosses_it()
    {
        // Mirrors LiteLLM's tests/test_keys.py test_key_crossing_budget: a key with budget 0.00000001 makes one call
        // (admitted: its spend so far is under the budget), and the next is refused because the first crossed it.
        var soft = await _gw.GenerateAsync("""{"max_budget":0.00000001,"budget_enforcement":"soft"}""");
        using (var first = await _gw.CallAsync(soft, "capped")) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True((await _gw.InfoAsync(soft)).GetProperty("spend").GetDecimal() > 0.00000001m);
        using (var second = await _gw.CallAsync(soft, "capped"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
            Assert.Equal("budget_exceeded", (await KeyGateway.ErrorOf(second)).GetProperty("type").GetString());
        }
        Assert.Single(_up.Honest.Requests);

        // In cap mode the same budget cannot pay for the input: the first call is refused up front.
        var capped = await _gw.GenerateAsync("""{"max_budget":0.00000001}""");
        using (var refused = await _gw.CallAsync(capped, "capped")) Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Single(_up.Honest.Requests);
    }

    [Fact]
    public async Task A_key_without_its_own_mode_takes_its_teams_and_its_own_wins()
    {
        await _gw.PostAsync("/team/new", """{"team_id":"t-reserve","max_budget":0.05,"budget_enforcement":"reserve"}""");
        var inherits = await _gw.GenerateAsync("""{"team_id":"t-reserve"}""");
        var own = await _gw.GenerateAsync("""{"team_id":"t-reserve","budget_enforcement":"cap"}""");

        // The worst case ($0.10) does not fit the team's $0.05: reserve refuses, cap lowers it.
        using (var refused = await _gw.CallAsync(inherits, "capped"))
            Assert.Equal("budget_exceeded", (await KeyGateway.ErrorOf(refused)).GetProperty("type").GetString());
        using (var lowered = await _gw.CallAsync(own, "capped"))
        {
            Assert.Equal(HttpStatusCode.OK, lowered.StatusCode);
            Assert.True(lowered.Headers.Contains("x-gateway-max-tokens-capped"));
        }
        Assert.Equal("reserve", (await _gw.GetJsonAsync("/team/info?team_id=t-reserve")).GetProperty("team_info").GetProperty("budget_enforcement").GetString());
        Assert.Equal("cap", (await _gw.InfoAsync(own)).GetProperty("budget_enforcement").GetString());

        // /key/update changes the stored mode.
        await _gw.PostAsync("/key/update", $$"""{"key":"{{own}}","budget_enforcement":"reserve"}""");
        Assert.Equal("reserve", (await _gw.InfoAsync(own)).GetProperty("budget_enforcement").GetString());
    }

    [Fact]
    public async Task A_mode_that_is_not_cap_reserve_or_soft_is_a_400_naming_the_field()
    {
        foreach (var (path, body) in new[]
        {
            ("/key/generate", """{"budget_enforcement":"hard"}"""),
            ("/key/generate", """{"budget_enforcement":5}"""),
            ("/team/new", """{"team_id":"t-bad","budget_enforcement":"Cap"}"""),
        })
        {
            var error = (await _gw.PostAsync(path, body, 400)).GetProperty("error");
            Assert.Equal("budget_enforcement", error.GetProperty("param").GetString());
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task The_gateways_mode_binds_keys_and_teams_that_set_none()
    {
        await using var gw = await _up.GatewayAsync("  budget_enforcement: reserve");
        var key = await gw.GenerateAsync("""{"max_budget":0.05}""");
        using (var refused = await gw.CallAsync(key, "capped"))
            Assert.Equal("budget_exceeded", (await KeyGateway.ErrorOf(refused)).GetProperty("type").GetString());
        var capKey = await gw.GenerateAsync("""{"max_budget":0.05,"budget_enforcement":"cap"}""");
        using var served = await gw.CallAsync(capKey, "capped");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task An_unknown_gateway_mode_stops_start_up_naming_the_setting()
    {
        var e = await Assert.ThrowsAsync<Gateway.Config.ConfigException>(() => _up.GatewayAsync("  budget_enforcement: strict"));
        Assert.Contains("litellm_settings.budget_enforcement", e.Message);
        Assert.Contains("cap, reserve, soft", e.Message);
    }
}
