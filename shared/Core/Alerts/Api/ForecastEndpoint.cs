using System.Text.Json.Nodes;
using Gateway.Alerts.Rules;
using Gateway.Http;
using Gateway.Keys;
using Gateway.Keys.Api;
using Microsoft.AspNetCore.Http;

namespace Gateway.Alerts.Api;

/// <summary>
/// <c>GET /spend/forecast?key=|team=|user=</c> (master key): the subject's spend in its budget window, the spend
/// projected at the window's end (or the forecast horizon, for a lifetime budget), when the budget runs out at this rate,
/// and the method's inputs (the daily spend smoothed, the level, the trend, the smoothing factors).
/// </summary>
public sealed class ForecastEndpoint(AdminRequest admin, IGovernanceStore store, AlertEngine engine)
{
    public async Task GetAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var subject = await SubjectAsync(ctx);
        var (window, forecast, periodEnd) = await engine.ForecastAsync(subject, ctx.RequestAborted);
        var args = engine.Budget.Args;
        var body = new JsonObject
        {
            ["subject"] = new JsonObject { ["group"] = subject.Group, ["id"] = subject.Id },
            ["spend"] = window.Spend,
            ["max_budget"] = subject.Limits.MaxBudget,
            ["budget_duration"] = subject.Limits.BudgetDuration,
            ["period_end"] = periodEnd,
            ["projected_spend"] = forecast is null ? null : decimal.Round(forecast.ProjectedSpend, 6),
            ["projected_exceeded_date"] = forecast?.ExhaustedAt,
            ["method"] = new JsonObject
            {
                ["name"] = "holt_linear_exponential_smoothing",
                ["alpha"] = args.ForecastAlpha,
                ["beta"] = args.ForecastBeta,
                ["history_days"] = BudgetRules.ForecastHistoryDays,
                ["days_used"] = forecast?.DaysUsed ?? 0,
                ["level_per_day"] = forecast?.Level,
                ["trend_per_day"] = forecast?.Trend,
                ["horizon_days"] = subject.Limits.BudgetDuration is null ? args.ForecastHorizonDays : null,
            },
        };
        if (forecast is null) body["note"] = $"no forecast: it needs {BurnRateForecast.MinimumDays} completed days of spend{(subject.Limits.MaxBudget is null ? " and a max_budget" : "")}";
        await AdminRequest.WriteAsync(ctx, body);
    }

    private async Task<BudgetSubject> SubjectAsync(HttpContext ctx)
    {
        var key = AdminRequest.OptionalQuery(ctx, "key");
        var team = AdminRequest.OptionalQuery(ctx, "team");
        var user = AdminRequest.OptionalQuery(ctx, "user");
        if ((key is null ? 0 : 1) + (team is null ? 0 : 1) + (user is null ? 0 : 1) != 1)
            throw Errors.BadRequest("Name exactly one of key, team or user.", "key", "invalid_subject");
        if (key is not null)
            return await store.GetKeyAsync(KeySecrets.HashOrToken(key), ctx.RequestAborted) is { } k ? BudgetSubject.Of(k) : throw AdminRequest.NotFound("The key", "key");
        if (team is not null)
            return await store.GetTeamAsync(team, ctx.RequestAborted) is { } t ? BudgetSubject.Of(t) : throw AdminRequest.NotFound("The team", "team");
        return await store.GetUserAsync(user!, ctx.RequestAborted) is { } u ? BudgetSubject.Of(u) : throw AdminRequest.NotFound("The user", "user");
    }
}
