using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using static Gateway.Stores.DynamoDb.DynamoItems;
using static Gateway.Stores.DynamoDb.DynamoSpendKeys;

namespace Gateway.Stores.DynamoDb;

// Ingest: claim, per-day items, rollups guarded by Pending, Applied, Pending cleared. See the class summary.
public sealed partial class DynamoSpendStore
{
    /// <summary>Events per conditional rollup update: each adds a <c>contains</c> clause (a condition expression is at most 4 KB).</summary>
    private const int MaxIdsPerUpdate = 40;
    private const int MaxAttempts = 50;

    /// <summary>How many requests one ingest has in flight at once.</summary>
    internal int Parallelism { get; set; } = 16;

    /// <summary>
    /// Test hook, called after each ingest step (<c>claimed</c>, <c>days</c>, <c>rollup:{dimension}|{value}</c>,
    /// <c>applied</c>, <c>done</c>); throwing simulates a crash there.
    /// </summary>
    internal Func<string, Task>? AfterStep { get; set; }

    private sealed record Work(SpendEvent Event, string Pk, HashSet<string> Applied);

    public async Task<int> IngestAsync(IReadOnlyList<SpendEvent> events, CancellationToken ct = default)
    {
        await Ready();
        var actor = Guid.NewGuid().ToString("N");
        var unique = events.DistinctBy(e => e.Id, StringComparer.Ordinal).ToList();
        var targets = unique.ToDictionary(e => e.Id, e => SpendDimensions.Of(e).ToList(), StringComparer.Ordinal);
        var json = unique.ToDictionary(e => e.Id, e => JsonSerializer.Serialize(e, SpendJson.Default.SpendEvent), StringComparer.Ordinal);

        // 1. Claim the per-key items: one consistent BatchGetItem per 100 finds those that exist (a redelivery), a conditional
        // put claims each of the others. An existing item whose Applied lacks a target is joined (its Actors).
        var claimed = 0;
        var work = new ConcurrentBag<Work>();
        var all = unique.Select(e => new Work(e, KeyPartition(SpendDimensions.KeyOf(e), e.Day), [])).ToList();
        var found = await ReadAppliedAsync(all, ct);
        bool Complete(string id, HashSet<string> applied) => targets[id].All(x => applied.Contains(Target(x.Dimension, x.Value)));
        await Parallel.ForEachAsync(all.Where(w => !found.TryGetValue(w.Event.Id, out var applied) || !Complete(w.Event.Id, applied)), Options(ct), async (w, t) =>
        {
            if (!found.ContainsKey(w.Event.Id))
            {
                var item = LogItem(w.Pk, w.Event, json[w.Event.Id], tenant, ExpiresOf(w.Event));
                item["Actors"] = SS([actor]);
                try
                {
                    await db.PutItemAsync(new PutItemRequest { TableName = table, Item = item, ConditionExpression = "attribute_not_exists(pk)" }, t);
                    Interlocked.Increment(ref claimed);
                    work.Add(w);
                    return;
                }
                catch (ConditionalCheckFailedException)
                {
                    // Claimed by another consumer since the read: join it.
                }
            }
            var r = await db.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = table,
                Key = Key(w.Pk, LogSort(w.Event)),
                UpdateExpression = "ADD Actors :me",
                ConditionExpression = "attribute_exists(pk)",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":me"] = SS([actor]) },
                ReturnValues = "ALL_NEW",
            }, t);
            work.Add(w with { Applied = Set(r.Attributes, "Applied").ToHashSet(StringComparer.Ordinal) });
        });
        await Step("claimed");
        var todo = work.ToList();
        if (todo.Count == 0) return claimed;

        // The per-day items: plain puts of the same content.
        await PutDayItemsAsync(todo.Select(w => w.Event).ToList(), json, ct);
        await Step("days");

        // 2. Rollups: per row, one conditional update for every event not yet applied there.
        var rollups = todo.SelectMany(w => targets[w.Event.Id].Where(x => !w.Applied.Contains(Target(x.Dimension, x.Value))).Select(x => (x.Dimension, x.Value, w.Event)))
            .GroupBy(x => (x.Dimension, x.Value, x.Event.Day))
            .SelectMany(g => g.Select(x => x.Event).Chunk(MaxIdsPerUpdate).Select(c => (g.Key.Dimension, g.Key.Value, g.Key.Day, Events: c))).ToList();
        await Parallel.ForEachAsync(rollups, Options(ct), async (r, t) =>
        {
            await ApplyRollupAsync(r.Dimension, r.Day, r.Value, r.Events, t);
            await Step($"rollup:{r.Dimension}|{r.Value}");
        });

        // 3. Mark every target applied and leave Actors; the last to leave clears Pending.
        var clear = new ConcurrentBag<SpendEvent>();
        await Parallel.ForEachAsync(todo, Options(ct), async (w, t) =>
        {
            var r = await db.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = table,
                Key = Key(w.Pk, LogSort(w.Event)),
                UpdateExpression = "ADD Applied :all DELETE Actors :me",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":all"] = SS(targets[w.Event.Id].Select(x => Target(x.Dimension, x.Value))), [":me"] = SS([actor]),
                },
                ReturnValues = "UPDATED_NEW",
            }, t);
            if (Set(r.Attributes, "Actors").Count == 0) clear.Add(w.Event);
        });
        await Step("applied");

        // 4. Remove the ids from Pending.
        var clears = clear.SelectMany(e => targets[e.Id].Select(x => (x.Dimension, x.Value, Event: e)))
            .GroupBy(x => (x.Dimension, x.Value, x.Event.Day))
            .SelectMany(g => g.Select(x => x.Event.Id).Chunk(100).Select(c => (g.Key.Dimension, g.Key.Value, g.Key.Day, Ids: c))).ToList();
        await Parallel.ForEachAsync(clears, Options(ct), async (c, t) =>
        {
            try
            {
                await db.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = table,
                    Key = Key(RollupPartition(c.Dimension, c.Day), RollupSort(c.Value)),
                    UpdateExpression = "DELETE Pending :ids",
                    ConditionExpression = "attribute_exists(pk)",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":ids"] = SS(c.Ids) },
                }, t);
            }
            catch (ConditionalCheckFailedException)
            {
                // No such row: nothing pending there.
            }
        });
        await Step("done");
        return claimed;
    }

    /// <summary>The Applied sets of the per-key items that exist (by event id), read consistently 100 at a time.</summary>
    private async Task<Dictionary<string, HashSet<string>>> ReadAppliedAsync(List<Work> items, CancellationToken ct)
    {
        var bySort = items.ToDictionary(w => (w.Pk, LogSort(w.Event)), w => w.Event.Id);
        var applied = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var chunk in items.Chunk(100))
        {
            var keys = new KeysAndAttributes
            {
                Keys = chunk.Select(w => Key(w.Pk, LogSort(w.Event))).ToList(),
                ConsistentRead = true,
                ProjectionExpression = "pk, sk, Applied",
            };
            var request = new Dictionary<string, KeysAndAttributes> { [table] = keys };
            for (var attempt = 0; request.Count > 0; attempt++)
            {
                if (attempt == MaxAttempts) throw new InvalidOperationException("Spend log reads: too many unprocessed keys.");
                if (attempt > 0) await Task.Delay(Math.Min(1000, 20 << Math.Min(attempt, 6)), ct);
                var r = await db.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = request }, ct);
                if (r.Responses is { } responses && responses.TryGetValue(table, out var found))
                    foreach (var item in found)
                        if (bySort.TryGetValue((Str(item, "pk")!, Str(item, "sk")!), out var id)) applied[id] = Set(item, "Applied").ToHashSet(StringComparer.Ordinal);
                request = r.UnprocessedKeys is { Count: > 0 } rest ? rest : [];
            }
        }
        return applied;
    }

    private async Task PutDayItemsAsync(List<SpendEvent> events, IReadOnlyDictionary<string, string> json, CancellationToken ct)
    {
        await Parallel.ForEachAsync(events.Chunk(25), Options(ct), async (chunk, t) =>
        {
            var request = new Dictionary<string, List<WriteRequest>>
            {
                [table] = chunk.Select(e => new WriteRequest(new PutRequest(LogItem(DayPartition(e.Day), e, json[e.Id], tenant, ExpiresOf(e))))).ToList(),
            };
            for (var attempt = 0; request.Count > 0; attempt++)
            {
                if (attempt == MaxAttempts) throw new InvalidOperationException("Spend day items: too many unprocessed writes.");
                if (attempt > 0) await Task.Delay(Math.Min(1000, 20 << Math.Min(attempt, 6)), t);
                var r = await db.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = request }, t);
                request = r.UnprocessedItems is { Count: > 0 } rest ? rest : [];
            }
        });
    }

    /// <summary>
    /// Step 2 for one rollup row: adds the events' amounts and ids to Pending in one update, on condition that none of
    /// the ids is pending there. A failed condition means some are counted already: read Pending, drop those, retry.
    /// </summary>
    internal async Task ApplyRollupAsync(string dimension, DateOnly day, string value, IReadOnlyList<SpendEvent> events, CancellationToken ct)
    {
        var key = Key(RollupPartition(dimension, day), RollupSort(value));
        var pending = events.ToList();
        for (var attempt = 0; pending.Count > 0; attempt++)
        {
            if (attempt == MaxAttempts) throw new InvalidOperationException($"Spend rollup {dimension} {value}: too much contention.");
            var sum = pending.Aggregate(new SpendRollup(dimension, value, day), (r, e) => r.Plus(SpendRollup.Of(dimension, value, e)));
            var values = new Dictionary<string, AttributeValue>
            {
                [":s"] = N(sum.SpendNanos), [":n"] = N(sum.Requests), [":f"] = N(sum.Failures), [":p"] = N(sum.PromptTokens),
                [":c"] = N(sum.CompletionTokens), [":r"] = N(sum.CacheReadTokens), [":w"] = N(sum.CacheWriteTokens),
                [":h"] = N(sum.CacheHits), [":v"] = N(sum.SavedNanos),
                [":ids"] = SS(pending.Select(e => e.Id)),
            };
            var condition = new StringBuilder("attribute_not_exists(Pending) OR (");
            for (var i = 0; i < pending.Count; i++)
            {
                var name = ":i" + i.ToString(CultureInfo.InvariantCulture);
                values[name] = S(pending[i].Id);
                condition.Append(i == 0 ? "" : " AND ").Append("NOT contains(Pending, ").Append(name).Append(')');
            }
            condition.Append(')');
            try
            {
                await db.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = table,
                    Key = key,
                    UpdateExpression = "ADD SpendNanos :s, Requests :n, Failures :f, PromptTokens :p, CompletionTokens :c, CacheReadTokens :r, CacheWriteTokens :w, CacheHits :h, SavedNanos :v, Pending :ids",
                    ConditionExpression = condition.ToString(),
                    ExpressionAttributeValues = values,
                }, ct);
                return;
            }
            catch (ConditionalCheckFailedException)
            {
                var r = await db.GetItemAsync(new GetItemRequest { TableName = table, Key = key, ConsistentRead = true, ProjectionExpression = "Pending" }, ct);
                var counted = Set(r.Item, "Pending").ToHashSet(StringComparer.Ordinal);
                pending.RemoveAll(e => counted.Contains(e.Id));
            }
        }
    }

    private ParallelOptions Options(CancellationToken ct) => new() { MaxDegreeOfParallelism = Math.Max(1, Parallelism), CancellationToken = ct };

    private async Task Step(string name)
    {
        if (AfterStep is { } hook) await hook(name);
    }
}
