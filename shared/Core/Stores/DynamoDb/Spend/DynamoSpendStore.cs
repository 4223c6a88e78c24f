using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Gateway.Keys;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using static Gateway.Stores.DynamoDb.DynamoItems;
using static Gateway.Stores.DynamoDb.DynamoSpendKeys;

namespace Gateway.Stores.DynamoDb;

/// <summary>
/// Spend on DynamoDB, in one table <c>{prefix}-spend</c> with string <c>pk</c>/<c>sk</c>.
/// <para>Logs, each event twice with its whole JSON (<c>json</c>) and the filter attributes (<c>id</c>, <c>team_id</c>,
/// <c>user_id</c>, <c>model</c>, <c>model_group</c>): pk <c>k|{key}|{yyyy-MM-dd}</c> (the per-key index; key is the key
/// hash or <c>(master)</c>) and pk <c>d|{yyyy-MM-dd}</c> (the per-day index), both with sk
/// <c>{long.MaxValue - start ticks:D19}|{id}</c>, read ascending, so newest first. The per-key item is the claim and also
/// holds <c>Applied</c> (string set of <c>dimension|value</c> rollups it is counted in) and <c>Actors</c> (string set of the
/// ingest calls working on it). A request id is found by a filtered read of the day partitions in the query's range.</para>
/// <para>Rollups: pk <c>r|{dimension}|{yyyy-MM-dd}</c>, sk <c>v|{value}</c>, numbers SpendNanos (nano-dollars), Requests,
/// Failures, PromptTokens, CompletionTokens, CacheReadTokens, CacheWriteTokens, CacheHits, SavedNanos (what cache hits saved), and <c>Pending</c>, the string set of
/// event ids counted but not yet known to their log item.</para>
/// <para>Ingest uses single-item conditional writes only (dynalite has no TransactWriteItems): (1) claim: read the batch's
/// per-key items (consistent BatchGetItem, 100 a call); put each missing one on <c>attribute_not_exists(pk)</c> with
/// Actors = {this call}; an existing one whose Applied lacks a target is joined (<c>ADD Actors</c>, returning Applied), one
/// with every target applied is done; put the per-day items (BatchWriteItem). (2) For each
/// target not in Applied, one <c>UpdateItem</c> per rollup row adds the amounts of all such events and their ids to
/// Pending, on condition that none of them is pending (a failed condition: read Pending, drop those, retry). (3) One
/// <c>UpdateItem</c> per event adds all its targets to Applied and leaves Actors. (4) When that left Actors empty, the ids
/// are removed from Pending. Pending guards against counting twice while any ingest call may still be at step 2 for the
/// event: only the last one to leave clears it, and a call that joins later sees every target applied. A call that
/// crashes stays in Actors, so its events' ids stay in Pending of their rows (a few ids per crash); counts stay exact.</para>
/// <para>Retention: both log items carry <c>expires_at</c> (the call's start plus the retention period, epoch seconds), the
/// table's TTL attribute, so DynamoDB deletes them; rollup items carry none and stay.</para>
/// </summary>
public sealed partial class DynamoSpendStore(IAmazonDynamoDB db, string table, string? tenant = null, Gateway.Spend.Retention.SpendLogRetention? retention = null)
    : ISpendStore
{
    private Task? _created;

    /// <summary>How many items one log query evaluates (before its filters) before it returns a cursor.</summary>
    internal const int MaxScanned = 1000;

    /// <summary>How many requests one log query sends at most (an empty day partition costs one).</summary>
    internal const int MaxRequests = 400;

    public static DynamoSpendStore Create(StoreSettings s, Gateway.Spend.Retention.SpendLogRetention? retention = null)
    {
        var client = DynamoClients.Create(s);
        return new DynamoSpendStore(client, s.TablePrefix + "-spend", s.Tenant, retention);
    }

    public Task InitializeAsync(CancellationToken ct = default) => Ready();

    private Task Ready() => LazyInitializer.EnsureInitialized(ref _created, () => DynamoClients.EnsureTableAsync(db, table, ExpiresAt));

    /// <summary>The TTL of an event's log items; null keeps them (no retention period).</summary>
    private DateTimeOffset? ExpiresOf(SpendEvent e) => retention?.ExpiresAt(e.StartTime);

    // ---- logs

    public async Task<SpendLogPage> QueryLogsAsync(SpendLogQuery q, CancellationToken ct = default)
    {
        var cursor = ParseCursor(q);
        await Ready();
        var limit = Math.Clamp(q.Limit, 1, 1000);
        var items = new List<SpendEvent>(Math.Min(limit, 100));
        var (filter, names, values) = Filter(q);
        var filtered = filter.Length > 0;
        var requests = 0;
        var scanned = 0;
        foreach (var day in SpendDimensions.DaysNewestFirst(q.Start, cursor?.Day ?? q.End))
        {
            var after = cursor is { } c && c.Day == day ? c.After : "";
            cursor = null;
            if (items.Count == limit) return new SpendLogPage(items, Cursor(q, day, after));
            var pk = q.KeyHash is { } key ? KeyPartition(key, day) : DayPartition(day);
            while (true)
            {
                if (items.Count == limit || requests >= MaxRequests || scanned >= MaxScanned) return new SpendLogPage(items, Cursor(q, day, after));
                requests++;
                var need = limit - items.Count;
                var request = new QueryRequest
                {
                    TableName = table,
                    KeyConditionExpression = "pk = :pk",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>(values) { [":pk"] = S(pk) },
                    ScanIndexForward = true,
                    // Limit bounds the items evaluated before the filter: with filters read a wider window, without exactly one more than needed.
                    Limit = filtered ? Math.Min(Math.Max(need + 1, 100), MaxScanned - scanned) : need + 1,
                    ExclusiveStartKey = after.Length > 0 ? Key(pk, after) : null,
                };
                if (filtered)
                {
                    request.FilterExpression = filter;
                    request.ExpressionAttributeNames = names;
                }
                var r = await db.QueryAsync(request, ct);
                scanned += r.ScannedCount ?? 0;
                foreach (var item in r.Items ?? [])
                {
                    if (items.Count == limit) return new SpendLogPage(items, Cursor(q, day, after));
                    if (Str(item, "json") is { } json) items.Add(JsonSerializer.Deserialize(json, SpendJson.Default.SpendEvent)!); // else a claim without a log
                    after = Str(item, "sk")!;
                }
                if (r.LastEvaluatedKey is not { Count: > 0 } last) break;
                after = Str(last, "sk")!;
            }
        }
        return new SpendLogPage(items, null);
    }

    private static (string Filter, Dictionary<string, string> Names, Dictionary<string, AttributeValue> Values) Filter(SpendLogQuery q)
    {
        var parts = new List<string>();
        var names = new Dictionary<string, string>();
        var values = new Dictionary<string, AttributeValue>();
        if (q.TeamId is { } t) { parts.Add("#t = :t"); names["#t"] = "team_id"; values[":t"] = S(t); }
        if (q.UserId is { } u) { parts.Add("#u = :u"); names["#u"] = "user_id"; values[":u"] = S(u); }
        if (q.Model is { } m) { parts.Add("(#m = :m OR #g = :m)"); names["#m"] = "model"; names["#g"] = "model_group"; values[":m"] = S(m); }
        if (q.RequestId is { } id) { parts.Add("#i = :i"); names["#i"] = "id"; values[":i"] = S(id); }
        return (string.Join(" AND ", parts), names, values);
    }

    // ---- rollups

    public async Task<IReadOnlyList<SpendRollup>> QueryRollupsAsync(RollupQuery q, CancellationToken ct = default)
    {
        await Ready();
        var rows = new List<SpendRollup>();
        for (var day = q.Start; day <= q.End; day = day.AddDays(1))
        {
            var pk = RollupPartition(q.Dimension, day);
            var request = new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = q.Value is null ? "pk = :pk AND begins_with(sk, :v)" : "pk = :pk AND sk = :v",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":pk"] = S(pk), [":v"] = S(q.Value is { } v ? RollupSort(v) : ValuePrefix),
                },
                ProjectionExpression = "sk, SpendNanos, Requests, Failures, PromptTokens, CompletionTokens, CacheReadTokens, CacheWriteTokens, CacheHits, SavedNanos",
                ConsistentRead = true,
            };
            do
            {
                var r = await db.QueryAsync(request, ct);
                foreach (var item in r.Items ?? []) rows.Add(ReadRollup(q.Dimension, day, item));
                request.ExclusiveStartKey = r.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            } while (request.ExclusiveStartKey is not null);
        }
        return rows;
    }
}
