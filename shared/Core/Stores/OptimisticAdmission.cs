using System.Collections.Concurrent;
using Gateway.Keys;

using Gateway.Limits;

namespace Gateway.Stores;

/// <summary>
/// The admit step of the stores that change a subject's counter optimistically (Table Storage ETags, DynamoDB
/// versions): for each subject in turn, under its in-instance lock, check the limits on the counter last seen, write
/// the reservation conditioned on that counter, and on a lost race re-read and try again. A refusal is only ever made
/// on a freshly read counter, and takes back what earlier subjects reserved.
/// </summary>
internal static class OptimisticAdmission
{
    public const int MaxAttempts = 200;

    /// <param name="key">The store key of a subject's counter.</param>
    /// <param name="counters">The counters this instance saw last, by key.</param>
    /// <param name="read">Reads a counter from the store (and caches it).</param>
    /// <param name="reserve">Writes the reserved counter on condition that the store still holds the one given; false when it does not.</param>
    /// <param name="undo">Takes back a reservation made for an earlier subject (by key).</param>
    public static async Task<AdmitResult> AdmitAsync<TCounter>(
        AdmitRequest request, SubjectLocks locks, ConcurrentDictionary<string, TCounter> counters,
        Func<string, string> key, Func<TCounter, CounterState> state, Func<string, CancellationToken, Task<TCounter>> read,
        Func<string, SubjectCharge, TCounter, CounterState, CancellationToken, Task<bool>> reserve, Func<string, Task> undo, CancellationToken ct)
    {
        var admitted = new List<string>();
        var usage = new List<SubjectUsage>();
        foreach (var s in request.Subjects)
        {
            var k = key(s.Subject);
            AdmitResult? refusal = null;
            using (await locks.EnterAsync(k, ct))
            {
                var fresh = !counters.TryGetValue(k, out var counter);
                if (fresh) counter = await read(k, ct);
                for (var attempt = 0; ; attempt++)
                {
                    if (attempt == MaxAttempts) throw new InvalidOperationException($"Counter {s.Subject}: too much contention.");
                    var rolled = state(counter!).RolledTo(s.Limits.BudgetDuration, request.Now);
                    var refused = rolled.Check(s.Limits, request.CostNanos, request.Tokens, request.Now, out var retryAfter);
                    if (refused != LimitKind.None)
                    {
                        // Refuse only on what the store says now, never on a cached counter.
                        if (!fresh)
                        {
                            counter = await read(k, ct);
                            fresh = true;
                            continue;
                        }
                        refusal = new AdmitResult(refused, s.Subject, retryAfter, [rolled.ToUsage(s.Subject)]);
                        break;
                    }
                    var next = rolled.Reserve(request.CostNanos, request.Tokens);
                    if (await reserve(k, s, counter!, next, ct))
                    {
                        admitted.Add(k);
                        usage.Add(next.ToUsage(s.Subject));
                        break;
                    }
                    counter = await read(k, ct);
                    fresh = true;
                }
            }
            if (refusal is not null)
            {
                // Take back what earlier subjects reserved, outside any lock.
                foreach (var done in admitted) await undo(done);
                return refusal;
            }
        }
        return new AdmitResult(LimitKind.None, null, 0, usage);
    }
}
