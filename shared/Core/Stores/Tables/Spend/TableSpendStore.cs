using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Gateway.Keys;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using static Gateway.Stores.Tables.TableSpendKeys;

namespace Gateway.Stores.Tables;

/// <summary>
/// Spend on Azure Table Storage, in two tables.
/// <para><c>{prefix}spendlogs</c> holds each event twice, with the whole event JSON (split over <c>Json</c>, <c>Json1</c>…
/// when longer than a string property allows): in partition <c>k|{escaped key}|{yyyy-MM-dd}</c> (the per-key index; key is
/// the key hash or <c>(master)</c>) and in <c>d|{yyyy-MM-dd}</c> (the per-day index for queries without a key). Both use
/// row key <c>{long.MaxValue - start ticks:D19}|{escaped id}</c>, so a partition reads newest first. The per-key row is the
/// event's claim and carries <c>Done</c> once its rollups are all applied. A request id is found by a filtered read of the
/// day partitions in the query's range (no third row).</para>
/// <para><c>{prefix}spendrollups</c>: partition <c>{dimension}|{yyyy-MM-dd}</c>, one row <c>v|{escaped value}</c> per value
/// (SpendNanos, Requests, Failures, PromptTokens, CompletionTokens, CacheReadTokens, CacheWriteTokens, CacheHits, SavedNanos as Int64; money in
/// nano-dollars) and one marker row <c>m|{escaped value}|{escaped id}</c> per event counted in it.</para>
/// <para>Ingest, exact under redelivery and concurrent consumers with no cross-partition transaction: (1) claim: add the
/// per-key rows (one entity-group transaction per partition; 409 means already there, then read which rows exist and
/// whether they are Done); (2) upsert the per-day rows; (3) for every rollup row, one entity-group transaction adds the
/// batch's amounts to the row (conditioned on its ETag, or added when new) together with one marker row per event: a
/// marker that exists fails the transaction (409), so an event is counted in a row at most once, and the marker and the
/// amounts commit together, so a crash anywhere leaves nothing half-applied; (4) set Done on the per-key rows. A redelivered
/// event that is not Done re-runs 2–4, which skip whatever its markers show applied. Markers stay: they are the proof.</para>
/// </summary>
public sealed partial class TableSpendStore(TableServiceClient service, string logsTable, string rollupsTable, string? connectionString = null) : ISpendStore
{
    private readonly TableClient _logs = service.GetTableClient(logsTable);
    private readonly TableClient _rollups = service.GetTableClient(rollupsTable);
    private Task? _created;

    /// <summary>How many result pages that end with a continuation (the service filtered rows out) one log query reads before it returns a cursor.</summary>
    internal const int MaxPartialPages = 4;

    /// <summary>How many requests one log query sends at most (an empty day partition costs one).</summary>
    internal const int MaxRequests = 400;

    public static TableSpendStore Create(StoreSettings s)
    {
        var service = TableClients.Create(s);
        return new TableSpendStore(service, s.TablePrefix + "spendlogs", s.TablePrefix + "spendrollups", s.TablesConnectionString);
    }

    public Task InitializeAsync(CancellationToken ct = default) => Ready();

    // As in TableGovernanceStore: the SDK's own create uses reflection; sign the REST call when we hold an account key.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    private Task Ready() => LazyInitializer.EnsureInitialized(ref _created, () => connectionString is null
        ? Task.CompletedTask
        : Task.WhenAll(
            TableCreator.CreateIfNotExistsAsync(connectionString, logsTable, CancellationToken.None),
            TableCreator.CreateIfNotExistsAsync(connectionString, rollupsTable, CancellationToken.None)));

    // ---- logs

    public async Task<SpendLogPage> QueryLogsAsync(SpendLogQuery q, CancellationToken ct = default)
    {
        var cursor = ParseCursor(q);
        await Ready();
        var limit = Math.Clamp(q.Limit, 1, 1000);
        var items = new List<SpendEvent>(Math.Min(limit, 100));
        var requests = 0;
        var partialPages = 0;
        foreach (var day in SpendDimensions.DaysNewestFirst(q.Start, cursor?.Day ?? q.End))
        {
            var resume = cursor is { } c && c.Day == day ? c : default;
            cursor = null;
            // Position in this partition: after a row key ('r', "" = from the start) or at a continuation token ('c').
            var kind = resume.Kind == 'c' ? 'c' : 'r';
            var position = resume.Position ?? "";
            if (items.Count == limit) return new SpendLogPage(items, Cursor(q, day, kind, position));
            var filter = Filter(q, day, kind == 'r' && position.Length > 0 ? position : null);
            string? token = kind == 'c' ? position : null;
            while (true)
            {
                if (items.Count == limit || requests >= MaxRequests || partialPages >= MaxPartialPages)
                    return new SpendLogPage(items, Cursor(q, day, kind, position));
                requests++;
                var need = limit - items.Count;
                Page<TableEntity> page;
                try
                {
                    page = await FirstPageAsync(_logs.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(need + 1, 1000), cancellationToken: ct).AsPages(token, Math.Min(need + 1, 1000)));
                }
                catch (RequestFailedException e) when (token is not null && e.Status == 400)
                {
                    throw new Spend.Ingest.InvalidCursorException();
                }
                foreach (var row in page.Values)
                {
                    if (items.Count == limit) return new SpendLogPage(items, Cursor(q, day, kind, position));
                    if (row.ContainsKey("Json")) items.Add(JsonSerializer.Deserialize(ReadJson(row), SpendJson.Default.SpendEvent)!); // else a claim without a log
                    (kind, position) = ('r', row.RowKey);
                }
                if (page.ContinuationToken is not { Length: > 0 } next) break;
                // The service stopped early (a full page, or rows filtered out): go on from its token.
                partialPages++;
                (kind, position, token) = ('c', next, next);
            }
        }
        return new SpendLogPage(items, null);
    }

    private static async Task<Page<TableEntity>> FirstPageAsync(IAsyncEnumerable<Page<TableEntity>> pages)
    {
        await foreach (var page in pages) return page;
        throw new InvalidOperationException("The table query returned no page.");
    }

    private static string Filter(SpendLogQuery q, DateOnly day, string? afterRow)
    {
        var partition = q.KeyHash is { } key ? KeyPartition(key, day) : DayPartition(day);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        if (afterRow is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {afterRow}");
        if (q.TeamId is { } t) filter += " and " + TableClient.CreateQueryFilter($"TeamId eq {t}");
        if (q.UserId is { } u) filter += " and " + TableClient.CreateQueryFilter($"UserId eq {u}");
        if (q.Model is { } m) filter += " and " + TableClient.CreateQueryFilter($"(Model eq {m} or ModelGroup eq {m})");
        if (q.RequestId is { } id) filter += " and " + TableClient.CreateQueryFilter($"Id eq {id}");
        return filter;
    }

    // ---- rollups

    public async Task<IReadOnlyList<SpendRollup>> QueryRollupsAsync(RollupQuery q, CancellationToken ct = default)
    {
        await Ready();
        var rows = new List<SpendRollup>();
        for (var day = q.Start; day <= q.End; day = day.AddDays(1))
        {
            var partition = RollupPartition(q.Dimension, day);
            if (q.Value is { } value)
            {
                var r = await _rollups.GetEntityIfExistsAsync<TableEntity>(partition, RollupRow(value), cancellationToken: ct);
                if (r.HasValue) rows.Add(ReadRollup(q.Dimension, day, r.Value!));
                continue;
            }
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {ValuePrefix} and RowKey lt {ValueEnd}");
            var dayRows = new List<SpendRollup>();
            await foreach (var e in _rollups.QueryAsync<TableEntity>(filter, cancellationToken: ct)) dayRows.Add(ReadRollup(q.Dimension, day, e));
            rows.AddRange(dayRows.OrderBy(r => r.Value, StringComparer.Ordinal));
        }
        return rows;
    }
}
