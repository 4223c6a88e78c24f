using Gateway.Keys;
using Gateway.Spend.Ingest;

namespace Gateway.Spend.Api;

/// <summary>
/// Everything the console's overview shows, from three rollup reads and a bounded number of record reads: totals for
/// today, this month and the range, spend by day and model, the top keys, teams and models, and the budgets closest to
/// their limit. Budgets are looked for among the teams (few, listed whole) and the range's top spending keys
/// (<see cref="BudgetKeyCandidates"/>), so the answer stays bounded however many keys there are.
/// </summary>
public sealed class SpendSummary(ISpendStore spend, IGovernanceStore governance, TimeProvider time)
{
    public const int BudgetKeyCandidates = 20;

    public async Task<SpendSummaryResponse> BuildAsync(DateOnly start, DateOnly end, int top, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var monthStart = new DateOnly(end.Year, end.Month, 1);
        // The month's total needs its first day even when the range starts later.
        var readFrom = monthStart < start ? monthStart : start;
        var models = await spend.QueryRollupsAsync(new RollupQuery(SpendDimensions.Model, readFrom, end), ct);
        var keys = await spend.QueryRollupsAsync(new RollupQuery(SpendDimensions.Key, start, end), ct);
        var teams = await spend.QueryRollupsAsync(new RollupQuery(SpendDimensions.Team, start, end), ct);
        var inRange = models.Where(r => r.Day >= start).ToList();

        var topKeys = Rank(keys, BudgetKeyCandidates);
        var keyRecords = new Dictionary<string, KeyRecord>();
        foreach (var k in topKeys)
            if (k.Name != SpendDimensions.NoKey && await governance.GetKeyAsync(k.Name, ct) is { } record) keyRecords[k.Name] = record;
        var teamRecords = (await governance.ListTeamsAsync(ct)).ToDictionary(t => t.TeamId);

        return new SpendSummaryResponse(
            SpendDimensions.DayText(start), SpendDimensions.DayText(end),
            Totals(models.Where(r => r.Day == today)), Totals(models.Where(r => r.Day >= monthStart && r.Day <= end)), Totals(inRange),
            [.. inRange.GroupBy(r => r.Day).OrderBy(g => g.Key).Select(g => new SpendSummaryDay(SpendDimensions.DayText(g.Key),
                [.. g.OrderByDescending(r => r.SpendNanos).Select(r => new SpendSummaryModel(r.Value, r.Spend, r.Requests))]))],
            [.. topKeys.Take(top).Select(k => k with { Label = keyRecords.GetValueOrDefault(k.Name)?.Alias ?? keyRecords.GetValueOrDefault(k.Name)?.KeyName })],
            [.. Rank(teams, top).Select(t => t with { Label = teamRecords.GetValueOrDefault(t.Name)?.Alias })],
            Rank(inRange, top),
            await BudgetsAsync(keyRecords.Values, teamRecords.Values, top, ct));
    }

    private async Task<List<SpendSummaryBudget>> BudgetsAsync(IEnumerable<KeyRecord> keys, IEnumerable<TeamRecord> teams, int top, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var budgets = new List<SpendSummaryBudget>();
        foreach (var k in keys.Where(k => k.MaxBudget > 0))
            budgets.Add(new("key", k.Hash, k.Alias ?? k.KeyName, (await governance.GetUsageAsync(k.Subject, k.Limits, now, ct)).Spend, k.MaxBudget!.Value, k.BudgetDuration));
        foreach (var t in teams.Where(t => t.MaxBudget > 0))
            budgets.Add(new("team", t.TeamId, t.Alias, (await governance.GetUsageAsync(t.Subject, t.Limits, now, ct)).Spend, t.MaxBudget!.Value, t.BudgetDuration));
        return [.. budgets.OrderByDescending(b => b.Spend / b.MaxBudget).ThenBy(b => b.Id, StringComparer.Ordinal).Take(top)];
    }

    private static SpendSummaryTotals Totals(IEnumerable<SpendRollup> rows)
    {
        long nanos = 0, requests = 0, failures = 0;
        foreach (var r in rows)
        {
            nanos += r.SpendNanos;
            requests += r.Requests;
            failures += r.Failures;
        }
        return new SpendSummaryTotals(Money.FromNanos(nanos), requests, failures);
    }

    private static List<SpendSummaryRank> Rank(IEnumerable<SpendRollup> rows, int top) =>
        [.. rows.GroupBy(r => r.Value)
            .Select(g => new SpendSummaryRank(g.Key, null, Money.FromNanos(g.Sum(r => r.SpendNanos)), g.Sum(r => r.Requests), g.Sum(r => r.Failures)))
            .OrderByDescending(r => r.Spend).ThenBy(r => r.Name, StringComparer.Ordinal).Take(top)];
}
