using System.Net;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Budgets;

/// <summary>
/// <c>budget_enforcement</c> chosen per key, per team and for the gateway (<c>litellm_settings</c>), checked by the
/// management API and stored with the key or team; <c>soft</c> behaves as LiteLLM does.
/// </summary>
public sealed class EnforcementModeTests : BudgetGatewayTest
{
    [Fact]
    public async Task Soft_mode_refuses_a_tiny_budget_only_after_the_first_call_crosses_it()
    {
        // Mirrors LiteLLM's tests/test_keys.py test_key_crossing_budget: a key with budget 0.00000001 makes one call
        // (admitted: its spend so far is under the budget), and the next is refused because the first crossed it.
        var soft = await Gw.GenerateAsync("""{"max_budget":0.00000001,"budget_enforcement":"soft"}""");
        using (var first = await Gw.CallAsync(soft, "capped")) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True((await Gw.InfoAsync(soft)).GetProperty("spend").GetDecimal() > 0.00000001m);
        using (var second = await Gw.CallAsync(soft, "capped"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
            Assert.Equal("budget_exceeded", (await KeyGateway.ErrorOf(second)).GetProperty("type").GetString());
        }
        Assert.Single(Up.Honest.Requests);

        // In cap mode the same budget cannot pay for the input: the first call is refused up front.
        var capped = await Gw.GenerateAsync("""{"max_budget":0.00000001}""");
        using (var refused = await Gw.CallAsync(capped, "capped")) Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Single(Up.Honest.Requests);
    }

    [Fact]
    public async Task A_key_without_its_own_mode_takes_its_teams_and_its_own_wins()
    {
        await Gw.PostAsync("/team/new", """{"team_id":"t-reserve","max_budget":0.05,"budget_enforcement":"reserve"}""");
        var inherits = await Gw.GenerateAsync("""{"team_id":"t-reserve"}""");
        var own = await Gw.GenerateAsync("""{"team_id":"t-reserve","budget_enforcement":"cap"}""");

        // The worst case ($0.10) does not fit the team's $0.05: reserve refuses, cap lowers it.
        using (var refused = await Gw.CallAsync(inherits, "capped"))
            Assert.Equal("budget_exceeded", (await KeyGateway.ErrorOf(refused)).GetProperty("type").GetString());
        using (var lowered = await Gw.CallAsync(own, "capped"))
        {
            Assert.Equal(HttpStatusCode.OK, lowered.StatusCode);
            Assert.True(lowered.Headers.Contains("x-gateway-max-tokens-capped"));
        }
        Assert.Equal("reserve", (await Gw.GetJsonAsync("/team/info?team_id=t-reserve")).GetProperty("team_info").GetProperty("budget_enforcement").GetString());
        Assert.Equal("cap", (await Gw.InfoAsync(own)).GetProperty("budget_enforcement").GetString());

        // /key/update changes the stored mode.
        await Gw.PostAsync("/key/update", $$"""{"key":"{{own}}","budget_enforcement":"reserve"}""");
        Assert.Equal("reserve", (await Gw.InfoAsync(own)).GetProperty("budget_enforcement").GetString());
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
            var error = (await Gw.PostAsync(path, body, 400)).GetProperty("error");
            Assert.Equal("budget_enforcement", error.GetProperty("param").GetString());
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task The_gateways_mode_binds_keys_and_teams_that_set_none()
    {
        await using var gw = await Up.GatewayAsync("  budget_enforcement: reserve");
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
        var e = await Assert.ThrowsAsync<Gateway.Config.ConfigException>(() => Up.GatewayAsync("  budget_enforcement: strict"));
        Assert.Contains("litellm_settings.budget_enforcement", e.Message);
        Assert.Contains("cap, reserve, soft", e.Message);
    }
}
