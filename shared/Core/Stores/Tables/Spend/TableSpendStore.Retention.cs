using Azure;
using Azure.Data.Tables;
using Gateway.Spend.Ingest;
using Gateway.Spend.Retention;
using static Gateway.Stores.Tables.TableSpendKeys;

namespace Gateway.Stores.Tables;

// Retention drops whole expired days: every day before the cutoff's day, oldest first. A day's per-day partition
// d|{day} is its index: each of its rows names the per-key row (same row key, partition k|{key}|{day}) to delete with
// it. The day's rollup markers (m| rows) go too; the rollup rows (v|) stay, so reports still cover every day.
public sealed partial class TableSpendStore : ISpendLogPurge
{
    /// <summary>Rows of a per-day partition read (and then deleted) per step.</summary>
    private const int PurgePage = 1000;

    public async Task<PurgeResult> PurgeAsync(DateTimeOffset cutoff, int maxRows, CancellationToken ct = default)
    {
        await Ready();
        var lastExpired = DateOnly.FromDateTime(cutoff.UtcDateTime).AddDays(-1);
        long deleted = 0;
        while (await OldestDayAsync(lastExpired, ct) is { } day)
        {
            if (deleted >= maxRows) return new PurgeResult(deleted, false);
            // Markers first: once the day's index is empty the day is no longer found.
            foreach (var dimension in SpendDimensions.All) await DeleteMarkersAsync(RollupPartition(dimension, day), ct);
            var (n, done) = await DropDayLogsAsync(day, maxRows - deleted, ct);
            deleted += n;
            if (!done) return new PurgeResult(deleted, false);
        }
        return new PurgeResult(deleted, true);
    }

    /// <summary>The oldest day up to <paramref name="last"/> with a per-day partition: one range read of partition keys.</summary>
    private async Task<DateOnly?> OldestDayAsync(DateOnly last, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {"d|"} and PartitionKey le {DayPartition(last)}");
        await foreach (var e in _logs.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: ct))
            return DateOnly.ParseExact(e.PartitionKey[2..], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>Deletes up to <paramref name="budget"/> events of one day: their per-key rows, then their per-day rows.</summary>
    private async Task<(long Deleted, bool Done)> DropDayLogsAsync(DateOnly day, long budget, CancellationToken ct)
    {
        var dayPartition = DayPartition(day);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {dayPartition}");
        long deleted = 0;
        while (deleted < budget)
        {
            var take = (int)Math.Min(PurgePage, budget - deleted);
            var rows = new List<(string Row, string Key)>(take);
            await foreach (var e in _logs.QueryAsync<TableEntity>(filter, maxPerPage: take, select: ["RowKey", "KeyHash"], cancellationToken: ct))
            {
                rows.Add((e.RowKey, e.GetString("KeyHash") ?? SpendDimensions.NoKey));
                if (rows.Count == take) break;
            }
            if (rows.Count == 0) return (deleted, true);
            foreach (var key in rows.GroupBy(r => r.Key))
                await DeleteRowsAsync(_logs, KeyPartition(key.Key, day), key.Select(r => r.Row).ToList(), ct);
            await DeleteRowsAsync(_logs, dayPartition, rows.Select(r => r.Row).ToList(), ct);
            deleted += rows.Count;
        }
        return (deleted, false);
    }

    private async Task DeleteMarkersAsync(string partition, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"m|"} and RowKey lt {"m}"}");
        while (true)
        {
            var rows = new List<string>(PurgePage);
            await foreach (var e in _rollups.QueryAsync<TableEntity>(filter, maxPerPage: PurgePage, select: ["RowKey"], cancellationToken: ct))
            {
                rows.Add(e.RowKey);
                if (rows.Count == PurgePage) break;
            }
            if (rows.Count == 0) return;
            await DeleteRowsAsync(_rollups, partition, rows, ct);
        }
    }

    /// <summary>
    /// Deletes rows of one partition, 100 per entity-group transaction. A transaction fails whole when one row is already
    /// gone (an earlier run stopped halfway): its rows are then deleted one by one, missing ones skipped.
    /// </summary>
    private static async Task DeleteRowsAsync(TableClient table, string partition, List<string> rowKeys, CancellationToken ct)
    {
        foreach (var chunk in rowKeys.Chunk(MaxActions))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(r =>
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, r), ETag.All)), ct);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                foreach (var r in chunk)
                {
                    try { await table.DeleteEntityAsync(partition, r, ETag.All, ct); }
                    catch (RequestFailedException gone) when (gone.Status == 404) { }
                }
            }
        }
    }
}
