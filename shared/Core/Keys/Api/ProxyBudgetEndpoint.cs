using System.Text.Json.Nodes;
using Gateway.Limits;
using Microsoft.AspNetCore.Http;

namespace Gateway.Keys.Api;

/// <summary>
/// <c>GET /global/spend</c> (master key), LiteLLM's proxy-wide spend answer: the spend counted against
/// <c>litellm_settings.max_budget</c> in its current window, with the budget, what is reserved and when it resets.
/// Without a proxy-wide budget, <c>max_budget</c> is null and the spend is 0 (nothing counts against it).
/// </summary>
public sealed class ProxyBudgetEndpoint(AdminRequest admin, UsageInfo usage, LimitSettings settings)
{
    public async Task GetAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var limits = settings.ProxyBudget ?? SubjectLimits.None;
        var info = new JsonObject
        {
            ["max_budget"] = limits.MaxBudget,
            ["budget_duration"] = limits.BudgetDuration,
            ["budget_enforcement"] = settings.Enforcement.Name(),
        };
        await usage.AddAsync(info, Subjects.Proxy, limits, ctx.RequestAborted);
        await AdminRequest.WriteAsync(ctx, info);
    }
}
