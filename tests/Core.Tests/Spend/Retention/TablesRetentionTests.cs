using Azure.Data.Tables;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Spend.Retention;
using Gateway.Stores.Tables;
using Gateway.Tests.Stores;

namespace Gateway.Tests.Spend.Retention;

/// <summary>
/// Retention on Table Storage (Azurite): whole expired days go, their per-key and per-day partitions and their rollup
/// markers, while the rollup rows of those days stay; a purge that stopped halfway is finished by the next one.
/// </summary>
public sealed class TablesRetentionTests : SpendRetentionContract
{
    private readonly string _prefix = Emulators.UniquePrefix();
    private readonly TableServiceClient _service = new(Emulators.AzuriteTablesConnectionString());
    private TableSpendStore? _store;

    private TableSpendStore Tables => _store ??= new TableSpendStore(_service, _prefix + "spendlogs", _prefix + "spendrollups", Emulators.AzuriteTablesConnectionString());
    protected override ISpendStore Store => Tables;
    protected override ISpendLogPurge Purge => Tables;

    private List<TableEntity> Rows(string table) => [.. _service.GetTableClient(_prefix + table).Query<TableEntity>(select: ["PartitionKey", "RowKey"])];

    [Fact]
    public async Task Expired_days_lose_their_partitions_and_markers_but_keep_their_rollup_rows()
    {
        var events = Events("t");
        await Store.IngestAsync(events);
        var expiredDays = events.Where(e => e.StartTime < Cutoff).Select(e => SpendDimensions.DayText(e.Day)).Distinct().ToList();
        Assert.Equal(3, expiredDays.Count);
        var logPartitions = Rows("spendlogs").Select(r => r.PartitionKey).Distinct().ToList();
        Assert.Contains(logPartitions, p => p == "d|" + expiredDays[0]);
        Assert.Contains(logPartitions, p => p == $"k|hash-a|{expiredDays[1]}");
        Assert.Contains(logPartitions, p => p == $"k|(master)|{expiredDays[2]}");
        var valueRowsBefore = Rows("spendrollups").Where(r => r.RowKey.StartsWith("v|", StringComparison.Ordinal)).Select(r => (r.PartitionKey, r.RowKey)).ToList();

        await Purge.PurgeAsync(Cutoff, int.MaxValue);

        var logs = Rows("spendlogs");
        Assert.DoesNotContain(logs, r => expiredDays.Any(d => r.PartitionKey.EndsWith("|" + d, StringComparison.Ordinal)));
        Assert.Equal(events.Count(e => e.StartTime >= Cutoff) * 2, logs.Count); // per-key and per-day rows of the rest
        var rollups = Rows("spendrollups");
        Assert.DoesNotContain(rollups, r => r.RowKey.StartsWith("m|", StringComparison.Ordinal) && expiredDays.Any(d => r.PartitionKey.EndsWith("|" + d, StringComparison.Ordinal)));
        Assert.Contains(rollups, r => r.RowKey.StartsWith("m|", StringComparison.Ordinal)); // later days keep theirs
        Assert.Equal(valueRowsBefore, rollups.Where(r => r.RowKey.StartsWith("v|", StringComparison.Ordinal)).Select(r => (r.PartitionKey, r.RowKey)).ToList());
    }

    [Fact]
    public async Task A_purge_that_stopped_between_the_per_key_and_per_day_rows_is_finished_by_the_next()
    {
        var events = Events("h");
        await Store.IngestAsync(events);
        // A run that died after deleting some per-key rows of the first day, before their per-day rows.
        var logs = _service.GetTableClient(_prefix + "spendlogs");
        var firstDay = SpendDimensions.DayText(events[0].Day);
        var gone = logs.Query<TableEntity>(e => e.PartitionKey == $"k|hash-a|{firstDay}").Take(5).ToList();
        foreach (var row in gone) await logs.DeleteEntityAsync(row.PartitionKey, row.RowKey);

        var result = await Purge.PurgeAsync(Cutoff, int.MaxValue);

        Assert.True(result.Finished);
        Assert.Equal(events.Count(e => e.StartTime < Cutoff), result.Deleted);
        Assert.Equal(Ids(events.Where(e => e.StartTime >= Cutoff)), await LogIdsAsync(new SpendLogQuery(new DateOnly(2026, 6, 1), new DateOnly(2026, 7, 31))));
    }
}
