using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using static Gateway.Stores.Tables.TableSpendKeys;

namespace Gateway.Stores.Tables;

// Ingest: claim, per-day rows, rollups with markers, Done. See the class summary for why it is exact.
public sealed partial class TableSpendStore
{
    /// <summary>Entity-group transactions hold at most 100 operations (and 4 MiB: keep a batch's JSON well under).</summary>
    private const int MaxActions = 100;
    private const int MaxTransactionChars = 1_000_000;
    private const int MaxAttempts = 100;

    /// <summary>How many partitions (or rollup rows) one ingest writes at once.</summary>
    internal int Parallelism { get; set; } = 8;

    /// <summary>Test hook, called after each ingest step (<c>claimed</c>, <c>days</c>, <c>rollup:{dimension}|{value}</c>, <c>done</c>); throwing simulates a crash there.</summary>
    internal Func<string, Task>? AfterStep { get; set; }

    public async Task<int> IngestAsync(IReadOnlyList<SpendEvent> events, CancellationToken ct = default)
    {
        await Ready();
        var unique = events.DistinctBy(e => e.Id, StringComparer.Ordinal).ToList();
        var json = unique.ToDictionary(e => e.Id, e => JsonSerializer.Serialize(e, SpendJson.Default.SpendEvent), StringComparer.Ordinal);

        // 1. Claim: add the per-key rows. What was there already and is not Done goes on too (an ingest that stopped halfway).
        var claimed = 0;
        var open = new ConcurrentBag<SpendEvent>();
        var claims = unique.GroupBy(e => KeyPartition(SpendDimensions.KeyOf(e), e.Day))
            .SelectMany(g => Chunks(g, json).Select(c => (Partition: g.Key, Events: c))).ToList();
        await Parallel.ForEachAsync(claims, Options(ct), async (chunk, t) =>
        {
            var (n, notDone) = await ClaimAsync(chunk.Partition, chunk.Events, json, t);
            Interlocked.Add(ref claimed, n);
            foreach (var e in notDone) open.Add(e);
        });
        await Step("claimed");
        var todo = open.ToList();
        if (todo.Count == 0) return claimed;

        // 2. The per-day rows: upserts of the same content, so repeating them is harmless.
        var days = todo.GroupBy(e => DayPartition(e.Day)).SelectMany(g => Chunks(g, json).Select(c => (Partition: g.Key, Events: c))).ToList();
        await Parallel.ForEachAsync(days, Options(ct), async (chunk, t) =>
            await _logs.SubmitTransactionAsync(chunk.Events.Select(e =>
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, LogEntity(chunk.Partition, e, json[e.Id]))), t));
        await Step("days");

        // 3. Rollups: one transaction per rollup row adds the amounts and a marker per event.
        var rollups = todo.SelectMany(e => SpendDimensions.Of(e).Select(x => (x.Dimension, x.Value, Event: e)))
            .GroupBy(x => (x.Dimension, x.Value, x.Event.Day))
            .SelectMany(g => g.Select(x => x.Event).Chunk(MaxActions - 1).Select(c => (g.Key.Dimension, g.Key.Value, g.Key.Day, Events: c))).ToList();
        await Parallel.ForEachAsync(rollups, Options(ct), async (r, t) =>
        {
            await ApplyRollupAsync(r.Dimension, r.Day, r.Value, r.Events, t);
            await Step($"rollup:{r.Dimension}|{r.Value}");
        });

        // 4. Done: a redelivery of these events now stops at the claim.
        await Parallel.ForEachAsync(todo.GroupBy(e => KeyPartition(SpendDimensions.KeyOf(e), e.Day)).SelectMany(g => g.Chunk(MaxActions).Select(c => (Partition: g.Key, Events: c))),
            Options(ct), async (chunk, t) => await _logs.SubmitTransactionAsync(chunk.Events.Select(e =>
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(chunk.Partition, LogRow(e)) { ["Done"] = true }, ETag.All)), t));
        await Step("done");
        return claimed;
    }

    /// <summary>
    /// Adds the per-key rows of one partition in one transaction. On 409 some exist: reads which (and whether they are
    /// Done), leaves them out and adds the rest. Returns how many this call added, and every event not yet Done.
    /// </summary>
    internal async Task<(int Claimed, List<SpendEvent> NotDone)> ClaimAsync(string partition, IReadOnlyList<SpendEvent> events,
        IReadOnlyDictionary<string, string> json, CancellationToken ct)
    {
        var remaining = events.ToList();
        var notDone = new List<SpendEvent>();
        var claimed = 0;
        for (var attempt = 0; remaining.Count > 0; attempt++)
        {
            if (attempt == MaxAttempts) throw new InvalidOperationException($"Spend log partition {partition}: too much contention.");
            try
            {
                await _logs.SubmitTransactionAsync(remaining.Select(e =>
                    new TableTransactionAction(TableTransactionActionType.Add, LogEntity(partition, e, json[e.Id]))), ct);
                claimed += remaining.Count;
                notDone.AddRange(remaining);
                break;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                var existing = await ExistingAsync(_logs, partition, remaining.Select(LogRow).ToList(), "Done", ct);
                remaining.RemoveAll(e =>
                {
                    if (!existing.TryGetValue(LogRow(e), out var row)) return false;
                    if (row.GetBoolean("Done") != true) notDone.Add(e);
                    return true;
                });
            }
        }
        return (claimed, notDone);
    }

    /// <summary>
    /// Adds <paramref name="events"/> (at most 99) to one rollup row: one transaction updates the row (on its ETag, or
    /// adds it) and adds a marker row per event. A 412/409 on the row re-reads it; a 409 on a marker means that event is
    /// counted here already: the markers that exist are read, those events dropped, and the rest retried.
    /// </summary>
    internal async Task ApplyRollupAsync(string dimension, DateOnly day, string value, IReadOnlyList<SpendEvent> events, CancellationToken ct)
    {
        var partition = RollupPartition(dimension, day);
        var row = RollupRow(value);
        var pending = events.ToList();
        for (var attempt = 0; pending.Count > 0; attempt++)
        {
            if (attempt == MaxAttempts) throw new InvalidOperationException($"Spend rollup {partition} {value}: too much contention.");
            var current = await _rollups.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct);
            var total = pending.Aggregate(current.HasValue ? ReadRollup(dimension, day, current.Value!) : new SpendRollup(dimension, value, day),
                (r, e) => r.Plus(SpendRollup.Of(dimension, value, e)));
            var entity = RollupEntity(partition, value, total);
            var actions = new List<TableTransactionAction>(pending.Count + 1)
            {
                current.HasValue ? new(TableTransactionActionType.UpdateReplace, entity, current.Value!.ETag) : new(TableTransactionActionType.Add, entity),
            };
            actions.AddRange(pending.Select(e => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, MarkerRow(value, e.Id)))));
            try
            {
                await _rollups.SubmitTransactionAsync(actions, ct);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                if (ex.FailedTransactionActionIndex == 0)
                {
                    // The row changed (or appeared) since the read: another writer is on it. Back off a little, re-read.
                    await Task.Delay(Random.Shared.Next(0, 5 * Math.Min(attempt + 1, 20)), ct);
                    continue;
                }
                var markers = await ExistingAsync(_rollups, partition, pending.Select(e => MarkerRow(value, e.Id)).ToList(), null, ct);
                pending.RemoveAll(e => markers.ContainsKey(MarkerRow(value, e.Id)));
            }
        }
    }

    /// <summary>Which of <paramref name="rowKeys"/> exist in a partition: one range read from the least to the greatest.</summary>
    private static async Task<Dictionary<string, TableEntity>> ExistingAsync(TableClient table, string partition, List<string> rowKeys, string? property,
        CancellationToken ct)
    {
        var wanted = rowKeys.ToHashSet(StringComparer.Ordinal);
        var min = rowKeys.Min(StringComparer.Ordinal)!;
        var max = rowKeys.Max(StringComparer.Ordinal)!;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {min} and RowKey le {max}");
        var found = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        string[] select = property is null ? ["RowKey"] : ["RowKey", property];
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: select, cancellationToken: ct))
            if (wanted.Contains(e.RowKey)) found[e.RowKey] = e;
        return found;
    }

    /// <summary>Transaction-sized chunks: at most 100 entities and about a million characters of JSON.</summary>
    private static IEnumerable<List<SpendEvent>> Chunks(IEnumerable<SpendEvent> events, IReadOnlyDictionary<string, string> json)
    {
        var chunk = new List<SpendEvent>();
        var chars = 0;
        foreach (var e in events)
        {
            var size = json[e.Id].Length + 500;
            if (chunk.Count > 0 && (chunk.Count == MaxActions || chars + size > MaxTransactionChars))
            {
                yield return chunk;
                (chunk, chars) = ([], 0);
            }
            chunk.Add(e);
            chars += size;
        }
        if (chunk.Count > 0) yield return chunk;
    }

    private ParallelOptions Options(CancellationToken ct) => new() { MaxDegreeOfParallelism = Math.Max(1, Parallelism), CancellationToken = ct };

    private async Task Step(string name)
    {
        if (AfterStep is { } hook) await hook(name);
    }
}
