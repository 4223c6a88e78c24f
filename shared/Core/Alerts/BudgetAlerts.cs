using Gateway.Keys;
using Microsoft.Extensions.Logging;

namespace Gateway.Alerts;

/// <summary>A key whose spend has reached its soft budget (a warning) or its max budget (calls are being refused).</summary>
public sealed record BudgetAlert(string KeyHash, string? KeyAlias, string Kind, decimal Spend, decimal Threshold);

/// <summary>
/// Budget alerts, checked for the keys a batch of spend touched (the stream path) or for every key (the timer sweep).
/// Alerts go to the log as warnings with the key's alias and hash, never the key. Alert rules and channels beyond
/// soft and max budgets belong to the alerts work.
/// </summary>
public sealed partial class BudgetAlerts(IGovernanceStore store, TimeProvider time, ILogger<BudgetAlerts> log)
{
    public const string SoftBudget = "soft_budget_reached";
    public const string MaxBudget = "max_budget_reached";

    public async Task<List<BudgetAlert>> CheckKeysAsync(IEnumerable<string> keyHashes, CancellationToken ct)
    {
        var alerts = new List<BudgetAlert>();
        foreach (var hash in keyHashes.Distinct(StringComparer.Ordinal))
            if (await store.GetKeyAsync(hash, ct) is { } key)
                alerts.AddRange(await CheckAsync(key, ct));
        return alerts;
    }

    public async Task<List<BudgetAlert>> SweepAsync(CancellationToken ct)
    {
        var alerts = new List<BudgetAlert>();
        for (var page = 1; ; page++)
        {
            var keys = await store.ListKeysAsync(page, 100, null, null, ct);
            foreach (var key in keys.Keys) alerts.AddRange(await CheckAsync(key, ct));
            if (keys.Keys.Count < 100) return alerts;
        }
    }

    private async Task<IEnumerable<BudgetAlert>> CheckAsync(KeyRecord key, CancellationToken ct)
    {
        if (key.SoftBudget is null && key.MaxBudget is null) return [];
        var usage = await store.GetUsageAsync(key.Subject, key.Limits, time.GetUtcNow(), ct);
        var spend = Money.FromNanos(usage.SpendNanos);
        var alerts = new List<BudgetAlert>();
        if (key.MaxBudget is { } max && spend >= max) alerts.Add(new(key.Hash, key.Alias, MaxBudget, spend, max));
        else if (key.SoftBudget is { } soft && spend >= soft) alerts.Add(new(key.Hash, key.Alias, SoftBudget, spend, soft));
        foreach (var a in alerts) LogAlert(log, a.Kind, a.KeyAlias ?? "(no alias)", a.KeyHash, a.Spend, a.Threshold);
        return alerts;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Budget alert {Kind}: key {Alias} ({Hash}) has spent {Spend} USD of {Threshold} USD")]
    private static partial void LogAlert(ILogger log, string kind, string alias, string hash, decimal spend, decimal threshold);
}
