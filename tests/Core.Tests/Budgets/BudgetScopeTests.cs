using System.Net;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Budgets;

/// <summary>
/// Cap mode on the budgets narrower and wider than a key's: a <c>model_max_budget</c> entry stops that model alone, an
/// end user's budget stops that <c>user</c> across keys, each at its limit and never above (each call here would use
/// 5 output tokens and may use 100, so the last calls before the limit are lowered, not refused).
/// </summary>
public sealed class BudgetScopeTests : BudgetGatewayTest
{
    [Fact]
    public async Task A_model_max_budget_entry_stops_that_model_alone_at_its_limit()
    {
        var key = await Gw.GenerateAsync("""{"model_max_budget":{"capped":{"budget_limit":0.02,"time_period":"1d"}}}""");
        var served = await Gw.CallUntilRefusedAsync(_ => key, "capped");

        var info = await Gw.InfoAsync(key);
        var spent = info.GetProperty("model_spend").GetProperty("capped").GetDecimal();
        Assert.True(spent <= 0.02m && spent > 0.02m - 0.0011m, $"spent {spent} over {served} calls");
        Assert.Contains(await Gw.SpendEventsAsync(key, served), e => e.TryGetProperty("max_tokens_capped", out _));
        using var other = await Gw.CallAsync(key, "reasoning");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task An_end_users_budget_stops_that_user_across_keys_at_its_limit()
    {
        await Gw.PostAsync("/customer/new", """{"user_id":"eu-cap","max_budget":0.02}""");
        var keys = new[] { await Gw.GenerateAsync(), await Gw.GenerateAsync(), await Gw.GenerateAsync() };
        await Gw.CallUntilRefusedAsync(i => keys[i % keys.Length], "capped", ",\"user\":\"eu-cap\"");

        var spent = (await Gw.GetJsonAsync("/customer/info?end_user_id=eu-cap")).GetProperty("spend").GetDecimal();
        Assert.True(spent <= 0.02m && spent > 0.02m - 0.0011m, $"spent {spent}");
        var byKeys = 0m;
        foreach (var key in keys) byKeys += (await Gw.InfoAsync(key)).GetProperty("spend").GetDecimal();
        Assert.Equal(spent, byKeys);
        using var other = await Gw.CallAsync(keys[0], "capped", ",\"user\":\"someone-else\"");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
