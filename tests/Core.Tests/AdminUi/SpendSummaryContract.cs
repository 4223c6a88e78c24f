using Gateway;
using Gateway.Keys;
using Gateway.Spend;
using Gateway.Spend.Api;
using Gateway.Spend.Ingest;
using Gateway.Stores.Sqlite;
using Gateway.Tests.Spend;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.AdminUi;

/// <summary>
/// <c>/global/spend/summary</c>'s figures, built from a spend store's rollups, on each store (SQLite, Azurite, dynalite):
/// totals for today, the month and the range, spend by day and model, the top keys, teams and models, and the budgets
/// closest to their limit. The expected values are summed here from the events themselves.
/// </summary>
public abstract class SpendSummaryContract
{
    protected abstract ISpendStore Store { get; }

    // The sample's events run from 2026-11-20 10:00 for about three days; "today" is the 21st.
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 21, 15, 0, 0, TimeSpan.Zero));
    private static readonly DateOnly Today = new(2026, 11, 21);

    private static async Task<(SpendSummary Summary, SqliteGovernanceStore Governance)> SummaryOnAsync(ISpendStore spend)
    {
        var governance = new SqliteGovernanceStore(Path.Combine(Path.GetTempPath(), "gw-summary-" + Guid.NewGuid().ToString("N"), "gateway.db"));
        await governance.InitializeAsync();
        await spend.InitializeAsync();
        return (new SpendSummary(spend, governance, Clock), governance);
    }

    [Fact]
    public async Task Totals_days_and_top_lists_equal_the_sums_of_the_events()
    {
        var events = SpendStoreContract.Sample(120);
        var (summary, _) = await SummaryOnAsync(Store);
        Assert.Equal(120, await Store.IngestAsync(events));

        var s = await summary.BuildAsync(new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 30), top: 2, default);

        Assert.Equal(events.Sum(e => e.Spend), s.Range.Spend);
        Assert.Equal(120, s.Range.Requests);
        Assert.Equal(events.Count(e => e.Status != SpendStatus.Success), s.Range.Failures);
        Assert.Equal(events.Where(e => e.Day == Today).Sum(e => e.Spend), s.Today.Spend);
        Assert.Equal(events.Count(e => e.Day == Today), s.Today.Requests);
        Assert.Equal(s.Range, s.Month); // every event is in November

        Assert.Equal(events.Select(e => e.Day).Distinct().Order().Select(d => d.ToString("yyyy-MM-dd")), s.Daily.Select(d => d.Day));
        foreach (var day in s.Daily)
            foreach (var m in day.Models)
                Assert.Equal(events.Where(e => e.Day.ToString("yyyy-MM-dd") == day.Day && e.Model == m.Model).Sum(e => e.Spend), m.Spend);

        Assert.Equal(2, s.TopModels.Count);
        var byModel = events.GroupBy(e => e.Model).Select(g => (g.Key, Spend: g.Sum(e => e.Spend))).OrderByDescending(x => x.Spend).ToList();
        Assert.Equal(byModel.Take(2).Select(x => x.Key), s.TopModels.Select(m => m.Name));
        Assert.Equal(byModel[0].Spend, s.TopModels[0].Spend);
        Assert.Equal(events.GroupBy(e => e.KeyHash).OrderByDescending(g => g.Sum(e => e.Spend)).Select(g => g.Key).Take(2), s.TopKeys.Select(k => k.Name));
        Assert.Equal(events.GroupBy(e => e.TeamId).OrderByDescending(g => g.Sum(e => e.Spend)).Select(g => g.Key).Take(2), s.TopTeams.Select(t => t.Name));
    }

    [Fact]
    public async Task A_range_that_starts_mid_month_still_totals_the_month_from_its_first_day()
    {
        var events = SpendStoreContract.Sample(120, "m");
        var (summary, _) = await SummaryOnAsync(Store);
        await Store.IngestAsync(events);

        var s = await summary.BuildAsync(Today, Today, top: 5, default);

        Assert.Equal(events.Where(e => e.Day <= Today).Sum(e => e.Spend), s.Month.Spend);
        Assert.Equal(s.Today, s.Range);
        Assert.Single(s.Daily);
    }

    [Fact]
    public async Task Budgets_are_ordered_by_how_much_of_the_limit_is_spent()
    {
        var events = SpendStoreContract.Sample(40, "b");
        var (summary, governance) = await SummaryOnAsync(Store);
        await Store.IngestAsync(events);
        var now = Clock.GetUtcNow();
        // hash-a has spent $3 of $4 (75%), team-x $1 of $10 (10%); hash-b has no budget and is not listed.
        await governance.CreateKeyAsync(new KeyRecord { Hash = "hash-a", Alias = "a", MaxBudget = 4m, BudgetDuration = "30d", CreatedAt = now });
        await governance.CreateKeyAsync(new KeyRecord { Hash = "hash-b", Alias = "b", CreatedAt = now });
        await governance.PutTeamAsync(new TeamRecord { TeamId = "team-x", Alias = "X", MaxBudget = 10m }, create: true);
        await SpendAsync(governance, Subjects.Key("hash-a"), new SubjectLimits(4m, "30d"), 3m, now);
        await SpendAsync(governance, Subjects.Team("team-x"), new SubjectLimits(10m), 1m, now);

        var s = await summary.BuildAsync(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), top: 5, default);

        Assert.Equal(["key:hash-a:a:3:4", "team:team-x:X:1:10"], s.Budgets.Select(b => $"{b.Type}:{b.Id}:{b.Label}:{b.Spend:0.##}:{b.MaxBudget:0.##}"));
        Assert.Equal("a", s.TopKeys.Single(k => k.Name == "hash-a").Label);
    }

    private static async Task SpendAsync(IGovernanceStore store, string subject, SubjectLimits limits, decimal dollars, DateTimeOffset now)
    {
        var admit = new AdmitRequest("r-" + Guid.NewGuid().ToString("N"), [new SubjectCharge(subject, limits)], Money.ToNanos(dollars), 10, now, now.AddMinutes(5));
        Assert.True((await store.AdmitAsync(admit)).Admitted);
        await store.SettleAsync(SettleRequest.For(admit, Money.ToNanos(dollars), 10, now));
    }
}

public sealed class SqliteSpendSummaryTests : SpendSummaryContract
{
    private readonly SqliteSpendStore _store = new(Path.Combine(Path.GetTempPath(), "gw-summary-" + Guid.NewGuid().ToString("N"), "gateway.db"));
    protected override ISpendStore Store => _store;
}

public sealed class TablesSpendSummaryTests : SpendSummaryContract
{
    private readonly Gateway.Stores.Tables.TableSpendStore _store = NewStore();

    private static Gateway.Stores.Tables.TableSpendStore NewStore()
    {
        var prefix = Gateway.Tests.Stores.Emulators.UniquePrefix();
        var cs = Gateway.Tests.Stores.Emulators.AzuriteTablesConnectionString();
        return new(new Azure.Data.Tables.TableServiceClient(cs), prefix + "spendlogs", prefix + "spendrollups", cs);
    }

    protected override ISpendStore Store => _store;
}

public sealed class DynamoSpendSummaryTests : SpendSummaryContract
{
    private readonly Gateway.Stores.DynamoDb.DynamoSpendStore _store = new(
        new Amazon.DynamoDBv2.AmazonDynamoDBClient(new Amazon.Runtime.BasicAWSCredentials("local", "local"),
            new Amazon.DynamoDBv2.AmazonDynamoDBConfig { ServiceURL = Gateway.Tests.Stores.Emulators.DynaliteEndpoint(), AuthenticationRegion = "us-east-1" }),
        Gateway.Tests.Stores.Emulators.UniquePrefix() + "-spend");

    protected override ISpendStore Store => _store;
}
