using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Spend.Retention;

namespace Gateway.Tests.Spend.Retention;

/// <summary>
/// What every store that deletes its own expired logs must do (SQLite, Table Storage): logs of calls before the cutoff
/// are gone from every index, later ones stay, every rollup is unchanged (reports keep the whole history), and a purge
/// cut short by its row budget says so and is finished by the next one.
/// </summary>
public abstract class SpendRetentionContract
{
    protected abstract ISpendStore Store { get; }
    protected abstract ISpendLogPurge Purge { get; }

    private static readonly DateTimeOffset Start = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly From = new(2026, 6, 30);
    private static readonly DateOnly To = new(2026, 7, 10);

    /// <summary>The cutoff: midnight of the fourth day, so three whole days expire (every store agrees on whole days).</summary>
    protected static readonly DateTimeOffset Cutoff = Start.AddDays(3);

    /// <summary>234 events 37 minutes apart: six days, two keys (one of them the master key), teams, users, models and tags.</summary>
    protected static List<SpendEvent> Events(string prefix)
    {
        var events = SpendStoreContract.Sample(234, prefix, Start);
        return [.. events.Select((e, i) => i % 9 == 4 ? e with { KeyHash = null, KeyAlias = null } : e)];
    }

    [Fact]
    public async Task Logs_before_the_cutoff_go_from_every_index_and_every_rollup_stays()
    {
        var events = Events("x");
        await Store.IngestAsync(events);
        var rollups = await AllRollupsAsync();

        var result = await Purge.PurgeAsync(Cutoff, int.MaxValue);

        var expired = events.Where(e => e.StartTime < Cutoff).ToList();
        var kept = events.Where(e => e.StartTime >= Cutoff).ToList();
        Assert.True(expired.Count > 100 && kept.Count > 100);
        Assert.True(result.Finished);
        Assert.Equal(expired.Count, result.Deleted);
        Assert.Equal(Ids(kept), await LogIdsAsync(new SpendLogQuery(From, To)));
        foreach (var key in new[] { "hash-a", "hash-b", SpendDimensions.NoKey })
            Assert.Equal(Ids(kept.Where(e => SpendDimensions.KeyOf(e) == key)), await LogIdsAsync(new SpendLogQuery(From, To) { KeyHash = key }));
        Assert.Empty(await LogIdsAsync(new SpendLogQuery(From, Cutoff.AddDays(-1).Day()) { RequestId = expired[7].Id }));
        Assert.Equal(rollups, await AllRollupsAsync());
        Assert.Equal(events.Count, rollups.Where(r => r.Dimension == SpendDimensions.Model).Sum(r => r.Requests));

        var again = await Purge.PurgeAsync(Cutoff, int.MaxValue);
        Assert.Equal(0, again.Deleted);
        Assert.True(again.Finished);
    }

    [Fact]
    public async Task A_purge_cut_short_by_its_budget_says_so_and_the_next_runs_finish_it()
    {
        var events = Events("b");
        await Store.IngestAsync(events);
        var expired = events.Count(e => e.StartTime < Cutoff);

        var first = await Purge.PurgeAsync(Cutoff, 25);
        Assert.False(first.Finished);
        Assert.Equal(25, first.Deleted);
        Assert.Equal(events.Count - 25, (await LogIdsAsync(new SpendLogQuery(From, To))).Count);

        long total = first.Deleted;
        for (var runs = 0; ; runs++)
        {
            Assert.True(runs < 20, "the purge never finished");
            var next = await Purge.PurgeAsync(Cutoff, 40);
            total += next.Deleted;
            if (next.Finished) break;
        }
        Assert.Equal(expired, total);
        Assert.Equal(Ids(events.Where(e => e.StartTime >= Cutoff)), await LogIdsAsync(new SpendLogQuery(From, To)));
    }

    [Fact]
    public async Task Nothing_is_deleted_when_nothing_is_older_than_the_cutoff()
    {
        var events = Events("n");
        await Store.IngestAsync(events);
        var result = await Purge.PurgeAsync(Start.AddHours(-1), int.MaxValue);
        Assert.Equal(PurgeResult.Nothing, result);
        Assert.Equal(events.Count, (await LogIdsAsync(new SpendLogQuery(From, To))).Count);
    }

    protected static List<string> Ids(IEnumerable<SpendEvent> events) => events.OrderByDescending(e => e.StartTime).ThenByDescending(e => e.Id, StringComparer.Ordinal).Select(e => e.Id).ToList();

    protected async Task<List<string>> LogIdsAsync(SpendLogQuery q)
    {
        var ids = new List<string>();
        string? cursor = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 1000, "paging did not end");
            var page = await Store.QueryLogsAsync(q with { Cursor = cursor, Limit = 100 });
            ids.AddRange(page.Items.Select(e => e.Id));
            if ((cursor = page.NextCursor) is null) return ids;
        }
    }

    protected async Task<List<SpendRollup>> AllRollupsAsync()
    {
        var all = new List<SpendRollup>();
        foreach (var dim in SpendDimensions.All) all.AddRange(await Store.QueryRollupsAsync(new RollupQuery(dim, From, To)));
        return [.. all.OrderBy(r => r.Dimension).ThenBy(r => r.Day).ThenBy(r => r.Value, StringComparer.Ordinal)];
    }
}

internal static class DayOf
{
    public static DateOnly Day(this DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime);
}

/// <summary>Load for file-size tests: events of about 1.3 KB of JSON each (as the issue measured real calls), evenly over a span.</summary>
public static class RetentionLoad
{
    private static readonly string Note = new('x', 700);

    public static List<SpendEvent> Events(int count, string prefix, DateTimeOffset start, TimeSpan span) =>
    [
        .. Enumerable.Range(0, count).Select(i =>
        {
            var at = start + span * i / count;
            return new SpendEvent
            {
                Id = $"req_{prefix}_{i:D7}", CallType = "chat_completion", StartTime = at, EndTime = at.AddSeconds(1), Model = "gpt", ModelGroup = "gpt",
                KeyHash = "hash-" + (i % 7), TeamId = "team-" + (i % 3), Status = SpendStatus.Success, PromptTokens = 100, CompletionTokens = 20,
                Spend = 0.0001m, Metadata = new System.Text.Json.Nodes.JsonObject { ["note"] = Note },
            };
        }),
    ];
}
