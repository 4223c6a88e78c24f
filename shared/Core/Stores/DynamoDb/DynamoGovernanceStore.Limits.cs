using System.Collections.Concurrent;
using Amazon.DynamoDBv2.Model;
using Gateway.Keys;
using static Gateway.Stores.DynamoDb.DynamoItems;

namespace Gateway.Stores.DynamoDb;

public sealed partial class DynamoGovernanceStore
{
    private const int MaxAttempts = 200;
    private readonly SubjectLocks _locks = new();

    // The last counter this instance wrote or read, with its version: in the steady state a change is then one
    // UpdateItem; a stale version fails the condition, and the counter is re-read and the change retried.
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    private readonly record struct Counter(CounterState State, string? Duration, long Version, Dictionary<string, AttributeValue>? Item = null);

    private async Task<Counter> ReadCounterAsync(string pk, CancellationToken ct)
    {
        var item = await GetAsync(pk, DynamoItems.Counter, ct);
        var c = new Counter(ReadCounter(item), Str(item, "dur"), Long(item, "ver"), item);
        _counters[pk] = c;
        return c;
    }

    public async Task<AdmitResult> AdmitAsync(AdmitRequest request, CancellationToken ct = default)
    {
        await Ready();
        var admitted = new List<string>();
        var usage = new List<SubjectUsage>();
        var reservation = ReservationValue(request.CostNanos, request.Tokens, request.ExpiresAt);
        foreach (var s in request.Subjects)
        {
            AdmitResult? refusal = null;
            using (await _locks.EnterAsync(s.Subject, ct))
            {
                var fresh = !_counters.TryGetValue(s.Subject, out var counter);
                if (fresh) counter = await ReadCounterAsync(s.Subject, ct);
                for (var attempt = 0; ; attempt++)
                {
                    if (attempt == MaxAttempts) throw new InvalidOperationException($"Counter {s.Subject}: too much contention.");
                    var rolled = counter.State.RolledTo(s.Limits.BudgetDuration, request.Now);
                    var refused = rolled.Check(s.Limits, request.CostNanos, request.Tokens, request.Now, out var retryAfter);
                    if (refused != LimitKind.None)
                    {
                        // Refuse only on what the store says now, never on a cached counter.
                        if (!fresh)
                        {
                            counter = await ReadCounterAsync(s.Subject, ct);
                            fresh = true;
                            continue;
                        }
                        refusal = new AdmitResult(refused, s.Subject, retryAfter, [rolled.ToUsage(s.Subject)]);
                        break;
                    }
                    var next = rolled.Reserve(request.CostNanos, request.Tokens);
                    try
                    {
                        await db.UpdateItemAsync(CounterUpdate(table, s.Subject, next, s.Limits.BudgetDuration, counter.Version, request.ReservationId, reservation), ct);
                        _counters[s.Subject] = new Counter(next, s.Limits.BudgetDuration, counter.Version + 1);
                        admitted.Add(s.Subject);
                        usage.Add(next.ToUsage(s.Subject));
                        break;
                    }
                    catch (ConditionalCheckFailedException)
                    {
                        counter = await ReadCounterAsync(s.Subject, ct);
                        fresh = true;
                    }
                }
            }
            if (refusal is not null)
            {
                // Take back what earlier subjects reserved, outside any lock.
                foreach (var done in admitted)
                    await ReleaseAsync(done, request.ReservationId, request.CostNanos, request.Tokens, 0, 0, request.Now, ct, undo: true);
                return refusal;
            }
        }
        return new AdmitResult(LimitKind.None, null, 0, usage);
    }

    public async Task<IReadOnlyList<SubjectUsage>> SettleAsync(SettleRequest request, CancellationToken ct = default)
    {
        var usage = new List<SubjectUsage>();
        foreach (var subject in request.Subjects)
            if (await ReleaseAsync(subject, request.ReservationId, request.ReservedCostNanos, request.ReservedTokens,
                    request.ActualCostNanos, request.ActualTokens, request.Now, ct) is { } state)
                usage.Add(state.ToUsage(subject));
        return usage;
    }

    /// <summary>Removes the reservation and books the actual amounts in one conditional update; null when it is already gone.</summary>
    private async Task<CounterState?> ReleaseAsync(string subject, string id, long reservedNanos, long reservedTokens,
        long actualNanos, long actualTokens, DateTimeOffset now, CancellationToken ct, bool undo = false)
    {
        await Ready();
        using var held = await _locks.EnterAsync(subject, ct);
        var counter = _counters.TryGetValue(subject, out var c) ? c : await ReadCounterAsync(subject, ct);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var rolled = counter.State.RolledTo(counter.Duration, now);
            var next = undo ? rolled.Unreserve(reservedNanos, reservedTokens) : rolled.Settle(reservedNanos, reservedTokens, actualNanos, actualTokens);
            try
            {
                await db.UpdateItemAsync(CounterUpdate(table, subject, next, counter.Duration, counter.Version, id, reserve: null), ct);
                _counters[subject] = new Counter(next, counter.Duration, counter.Version + 1);
                return next;
            }
            catch (ConditionalCheckFailedException)
            {
                // Either the version moved on or the reservation is gone (settled already, or swept): a fresh read tells.
                counter = await ReadCounterAsync(subject, ct);
                if (counter.Item?.ContainsKey(ReservationAttribute(id)) != true) return null;
            }
        }
        throw new InvalidOperationException($"Counter {subject}: too much contention.");
    }

    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await Ready();
        var expired = new List<(string Pk, string Id, long Cost, long Tokens)>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var r = await db.ScanAsync(new ScanRequest
            {
                TableName = table,
                FilterExpression = "sk = :counter",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":counter"] = S(DynamoItems.Counter) },
                ExclusiveStartKey = start,
                ConsistentRead = true,
            }, ct);
            foreach (var item in r.Items ?? [])
                foreach (var (name, value) in item)
                    if (name.StartsWith(ReservationPrefix, StringComparison.Ordinal) && value.S is { } v && ParseReservation(v) is var res && res.Expires < now.ToUnixTimeSeconds())
                        expired.Add((Str(item, "pk")!, name[ReservationPrefix.Length..], res.Cost, res.Tokens));
            start = r.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        } while (start is not null);
        var released = new HashSet<string>();
        foreach (var (pk, id, cost, tokens) in expired)
            if (await ReleaseAsync(pk, id, cost, tokens, 0, 0, now, ct) is not null) released.Add(id);
        return released.Count;
    }

    public async Task<SubjectUsage> GetUsageAsync(string subject, SubjectLimits limits, DateTimeOffset now, CancellationToken ct = default)
    {
        await Ready();
        return (await ReadCounterAsync(subject, ct)).State.RolledTo(limits.BudgetDuration, now).ToUsage(subject);
    }
}
