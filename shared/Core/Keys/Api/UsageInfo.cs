using System.Text.Json.Nodes;
using Gateway.Limits;

namespace Gateway.Keys.Api;

/// <summary>The counters an info answer shows for a key, team, user or end user: spend in its window, what is reserved, the minute's rates.</summary>
public sealed class UsageInfo(IGovernanceStore store, TimeProvider time)
{
    public async Task AddAsync(JsonObject info, string subject, SubjectLimits limits, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var usage = await store.GetUsageAsync(subject, limits, now, ct);
        info["spend"] = usage.Spend;
        info["reserved_spend"] = Money.FromNanos(usage.ReservedNanos);
        info["budget_reset_at"] = BudgetWindow.ResetAt(limits.BudgetDuration, now)?.ToString("O");
        info["requests_this_minute"] = usage.Requests;
        info["tokens_this_minute"] = usage.TokensUsed + usage.TokensReserved;
        info["parallel_requests"] = usage.InFlight;
    }

    /// <summary>LiteLLM's <c>model_spend</c>: the key's spend on each model it has its own limits for.</summary>
    public async Task AddModelSpendAsync(JsonObject info, KeyRecord key, CancellationToken ct)
    {
        IEnumerable<string> models = [.. key.ModelMaxBudget?.Keys ?? Enumerable.Empty<string>(), .. key.ModelRpm?.Keys ?? Enumerable.Empty<string>(),
            .. key.ModelTpm?.Keys ?? Enumerable.Empty<string>()];
        var spend = new JsonObject();
        foreach (var model in models.Distinct(StringComparer.Ordinal))
            spend[model] = (await store.GetUsageAsync(Subjects.KeyModel(key.Hash, model), key.LimitsFor(model), time.GetUtcNow(), ct)).Spend;
        info["model_spend"] = spend;
    }
}
