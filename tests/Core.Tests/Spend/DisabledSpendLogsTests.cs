using System.Net;
using Gateway.Tests.Budgets;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Spend;

/// <summary>
/// <c>general_settings.disable_spend_logs: true</c> on a real gateway: no call leaves a spend log (<c>/spend/logs</c>
/// answers none), while the budget counters and the daily rollups stay exact.
/// </summary>
public sealed class DisabledSpendLogsTests : IAsyncLifetime
{
    private BudgetUpstream _up = null!;

    public async Task InitializeAsync() => _up = await BudgetUpstream.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task Calls_are_counted_in_budgets_and_rollups_but_leave_no_log()
    {
        await using var gw = await TestGateway.StartAsync(
            Yaml.Config(extraModels: _up.Models, extraGeneral: "  disable_spend_logs: true\n  store_prompts_in_spend_logs: true"),
            new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() });
        Assert.Empty(gw.Config.Warnings);
        var key = await gw.GenerateAsync("""{"max_budget":1}""");
        var costs = 0m;
        for (var i = 0; i < 4; i++)
        {
            using var r = await gw.CallAsync(key, "capped", ",\"max_tokens\":10");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            costs += decimal.Parse(r.Headers.GetValues("x-gateway-response-cost").Single(), System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.Equal(costs, (await gw.InfoAsync(key)).GetProperty("spend").GetDecimal());

        // The rollups are fed off the request path: wait (bounded) for the day's key rollup to hold all four calls.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        decimal rolled;
        do
        {
            var keys = await gw.GetJsonAsync("/global/spend/keys");
            rolled = keys.EnumerateArray().Where(k => k.GetProperty("name").GetString() == Gateway.Keys.KeySecrets.Hash(key))
                .Sum(k => k.GetProperty("total_spend").GetDecimal());
            if (rolled == costs) break;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal(costs, rolled);
        Assert.Equal(0, (await gw.GetJsonAsync("/spend/logs?limit=100")).GetProperty("data").GetArrayLength());
    }
}
