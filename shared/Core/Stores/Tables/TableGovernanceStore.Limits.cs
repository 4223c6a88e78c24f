using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Gateway.Keys;

using Gateway.Limits;

namespace Gateway.Stores.Tables;

public sealed partial class TableGovernanceStore
{
    private readonly SubjectLocks _locks = new();

    // The last counter row this instance wrote or read, with its ETag: in the steady state a change to one subject is one
    // round trip (the transaction); a stale ETag costs a 412, a re-read and a retry.
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    private readonly record struct Counter(CounterState State, string? Duration, ETag? ETag);

    private async Task<Counter> ReadCounterAsync(string partition, CancellationToken ct)
    {
        await Ready();
        var r = await table.GetEntityIfExistsAsync<TableEntity>(partition, TableNames.Counter, cancellationToken: ct);
        var c = r.HasValue ? new Counter(TableCounters.Read(r.Value!), TableCounters.Duration(r.Value!), r.Value!.ETag) : new Counter(CounterState.Empty, null, null);
        _counters[partition] = c;
        return c;
    }

    public async Task<AdmitResult> AdmitAsync(AdmitRequest request, CancellationToken ct = default)
    {
        await Ready();
        return await OptimisticAdmission.AdmitAsync(request, _locks, _counters, TableNames.Partition, c => c.State, ReadCounterAsync,
            async (partition, s, counter, next, t) =>
            {
                var row = TableCounters.Write(partition, next, s.Limits.BudgetDuration);
                TableTransactionAction[] actions =
                [
                    counter.ETag is { } etag ? new(TableTransactionActionType.UpdateReplace, row, etag) : new(TableTransactionActionType.Add, row),
                    new(TableTransactionActionType.Add, TableCounters.Reservation(partition, request.ReservationId, request.CostNanos, request.Tokens, request.ExpiresAt)),
                ];
                try
                {
                    var response = await table.SubmitTransactionAsync(actions, t);
                    _counters[partition] = new Counter(next, s.Limits.BudgetDuration, response.Value[0].Headers.ETag);
                    return true;
                }
                catch (TableTransactionFailedException e) when (e.Status is 412 or 409)
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
            if (await ReleaseAsync(TableNames.Partition(subject), request.ReservationId, request.ReservedCostNanos, request.ReservedTokens,
                    request.ActualCostNanos, request.ActualTokens, request.Now, ct) is { } state)
                usage.Add(state.ToUsage(subject));
        return usage;
    }

    /// <summary>Deletes the reservation row and books the actual amounts, in one transaction; null when the row is already gone.</summary>
    private async Task<CounterState?> ReleaseAsync(string partition, string reservationId, long reservedNanos, long reservedTokens,
        long actualNanos, long actualTokens, DateTimeOffset now, CancellationToken ct, bool undo = false)
    {
        await Ready();
        using var held = await _locks.EnterAsync(partition, ct);
        var counter = _counters.TryGetValue(partition, out var c) ? c : await ReadCounterAsync(partition, ct);
        for (var attempt = 0; attempt < OptimisticAdmission.MaxAttempts; attempt++)
        {
            if (counter.ETag is not { } etag)
            {
                counter = await ReadCounterAsync(partition, ct);
                if (counter.ETag is null) return null; // no counter, so no reservation either
                continue;
            }
            var rolled = counter.State.RolledTo(counter.Duration, now);
            var next = undo ? rolled.Unreserve(reservedNanos, reservedTokens) : rolled.Settle(reservedNanos, reservedTokens, actualNanos, actualTokens);
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.UpdateReplace, TableCounters.Write(partition, next, counter.Duration), etag),
                new(TableTransactionActionType.Delete, new TableEntity(partition, TableNames.Reservation(reservationId)), ETag.All),
            ];
            try
            {
                var response = await table.SubmitTransactionAsync(actions, ct);
                _counters[partition] = new Counter(next, counter.Duration, response.Value[0].Headers.ETag);
                return next;
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                return null; // settled already, or swept
            }
            catch (TableTransactionFailedException e) when (e.Status is 412 or 409)
            {
                counter = await ReadCounterAsync(partition, ct);
            }
        }
        throw new InvalidOperationException($"Counter {partition}: too much contention.");
    }

    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await Ready();
        var filter = $"RowKey ge '{TableNames.ReservationPrefix}' and RowKey lt 'res;' and Expires lt {now.ToUnixTimeSeconds()}L";
        var expired = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: ct)) expired.Add(e);
        var released = new HashSet<string>();
        foreach (var e in expired)
        {
            var id = e.RowKey[TableNames.ReservationPrefix.Length..];
            if (await ReleaseAsync(e.PartitionKey, id, TableCounters.L(e, "Cost"), TableCounters.L(e, "Tokens"), 0, 0, now, ct) is not null)
                released.Add(id);
        }
        return released.Count;
    }

    public async Task<SubjectUsage> GetUsageAsync(string subject, SubjectLimits limits, DateTimeOffset now, CancellationToken ct = default)
    {
        var counter = await ReadCounterAsync(TableNames.Partition(subject), ct);
        return counter.State.RolledTo(limits.BudgetDuration, now).ToUsage(subject);
    }
}
