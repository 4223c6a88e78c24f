using System.Net;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Budgets;

/// <summary>
/// <c>litellm_settings.max_budget</c> + <c>budget_duration</c>: one budget across every caller (master key and virtual
/// keys alike), enforced like any other budget in the gateway's <c>budget_enforcement</c> mode, reset on its duration,
/// and shown at <c>GET /global/spend</c> and in the start-up report.
/// </summary>
public sealed class ProxyBudgetTests : IAsyncLifetime
{
    private BudgetUpstream _up = null!;

    public async Task InitializeAsync() => _up = await BudgetUpstream.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task The_proxy_budget_stops_every_caller_at_its_limit_and_resets_on_its_duration()
    {
        var clock = TestClock.TenSecondsIntoAMinute();
        await using var gw = await _up.GatewayAsync("  max_budget: 0.02\n  budget_duration: 1d", clock);
        var key = await gw.GenerateAsync();

        // The master key and a key without a budget of its own share the proxy's $0.02.
        var served = await gw.CallUntilRefusedAsync(i => i % 2 == 0 ? gw.MasterKey! : key, "capped");
        Assert.True(served > 2);
        var global = await gw.GetJsonAsync("/global/spend");
        var spent = global.GetProperty("spend").GetDecimal();
        Assert.True(spent <= 0.02m && spent > 0.02m - 0.0011m, $"spent {spent}");
        Assert.Equal(0.02m, global.GetProperty("max_budget").GetDecimal());
        Assert.Equal("1d", global.GetProperty("budget_duration").GetString());
        Assert.Equal(0m, global.GetProperty("reserved_spend").GetDecimal());
        using (var refused = await gw.CallAsync(key, "capped"))
            Assert.Contains("litellm_settings.max_budget", (await KeyGateway.ErrorOf(refused)).GetProperty("message").GetString());

        // The next UTC day starts a new window.
        clock.Advance(TimeSpan.FromDays(1));
        using (var next = await gw.CallAsync(gw.MasterKey!, "capped")) Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.True((await gw.GetJsonAsync("/global/spend")).GetProperty("spend").GetDecimal() < 0.01m);
    }

    [Fact]
    public async Task In_reserve_mode_the_proxy_budget_refuses_a_worst_case_that_does_not_fit()
    {
        await using var gw = await _up.GatewayAsync("  max_budget: 0.05\n  budget_enforcement: reserve");
        using var refused = await gw.CallAsync(gw.MasterKey!, "capped"); // worst case $0.10
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var fits = await gw.CallAsync(gw.MasterKey!, "capped", ",\"max_tokens\":10");
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task Global_spend_needs_the_master_key_and_says_when_there_is_no_proxy_budget()
    {
        await using var gw = await _up.GatewayAsync();
        var global = await gw.GetJsonAsync("/global/spend");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, global.GetProperty("max_budget").ValueKind);
        Assert.Equal("cap", global.GetProperty("budget_enforcement").GetString());
        var key = await gw.GenerateAsync();
        var (status, _) = await gw.AsKeyAsync(key, HttpMethod.Get, "/global/spend");
        Assert.Equal(403, status);
    }

    [Fact]
    public async Task A_budget_duration_without_a_max_budget_is_warned_about_and_a_bad_one_stops_start_up()
    {
        await using (var gw = await _up.GatewayAsync("  budget_duration: 30d"))
            Assert.Contains(gw.Config.Warnings, w => w.Contains("litellm_settings.budget_duration") && w.Contains("no max_budget"));
        var e = await Assert.ThrowsAsync<Gateway.Config.ConfigException>(() => _up.GatewayAsync("  max_budget: 1\n  budget_duration: monthly"));
        Assert.Contains("litellm_settings.budget_duration", e.Message);
    }
}
