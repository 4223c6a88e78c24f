using System.Collections.Concurrent;
using Amazon.DynamoDBv2.Model;
using Gateway.Keys;
using static Gateway.Stores.DynamoDb.DynamoItems;

using Gateway.Limits;

namespace Gateway.Stores.DynamoDb;

public sealed partial class DynamoGovernanceStore
{
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
        var reservation = ReservationValue(request.CostNanos, request.Tokens, request.ExpiresAt);
        return await OptimisticAdmission.AdmitAsync(request, _locks, _counters, subject => subject, c => c.State, ReadCounterAsync,
            async (subject, s, counter, next, t) =>
            {
                try
                {
                    await db.UpdateItemAsync(CounterUpdate(table, subject, next, s.Limits.BudgetDuration, counter.Version, request.ReservationId, reservation), t);
                    _counters[subject] = new Counter(next, s.Limits.BudgetDuration, counter.Version + 1);
                    return true;
                }
                catch (ConditionalCheckFailedException)
                {
                    return false;
                }
            },
            done => ReleaseAsync(done, request.ReservationId, request.CostNanos, request.Tokens, 0, 0, request.Now, ct, undo: true), ct);
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
        for (var attempt = 0; attempt < OptimisticAdmission.MaxAttempts; attempt++)
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
