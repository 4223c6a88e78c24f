using Gateway.Config;
using Microsoft.Extensions.Logging;

namespace Gateway.Spend.Retention;

/// <summary>
/// Deletes spend logs older than the retention period, at most once per interval. Host-agnostic: the local timer
/// (<see cref="SpendLogCleanupTimer"/>), the Azure <c>sweeper</c> function and the AWS scheduled sweep call it. A run
/// whose row budget ran out stays due, so the next call (a minute later on the platform timers) goes on.
/// </summary>
public sealed partial class SpendLogCleanup(ISpendLogPurge purge, GatewayConfig config, TimeProvider time, ILogger<SpendLogCleanup> log)
{
    /// <summary>Rows one platform-timer run deletes at most, so the sweep it shares a function with stays short.</summary>
    public const int TriggerBudget = 20_000;

    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<(int Runs, TaskCompletionSource<PurgeResult> Done)> _waiters = [];
    private DateTimeOffset _due = DateTimeOffset.MinValue;
    private int _runs;
    private PurgeResult? _last;

    public SpendLogRetention Retention => config.SpendLogRetention;

    /// <summary>Completes, with the latest result, once <paramref name="runs"/> runs have ended (tests wait on it instead of sleeping).</summary>
    public Task<PurgeResult> WhenRunsCompleted(int runs)
    {
        lock (_gate)
        {
            if (_runs >= runs) return Task.FromResult(_last ?? PurgeResult.Nothing);
            var done = new TaskCompletionSource<PurgeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((runs, done));
            return done.Task;
        }
    }

    /// <summary>Runs when due and not already running; null when it did not run.</summary>
    public async Task<PurgeResult?> RunIfDueAsync(int maxRows, CancellationToken ct = default)
    {
        if (Retention.Period is null || time.GetUtcNow() < _due) return null;
        if (!await _running.WaitAsync(0, ct)) return null;
        try
        {
            return await RunLockedAsync(maxRows, ct);
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<PurgeResult> RunLockedAsync(int maxRows, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var cutoff = Retention.Cutoff(now)!.Value;
        PurgeResult result;
        try
        {
            result = await purge.PurgeAsync(cutoff, maxRows, ct);
        }
        catch (Exception e)
        {
            Ended(null, e);
            throw;
        }
        if (result.Finished) _due = now + Retention.Interval;
        if (result.Deleted > 0 || !result.Finished)
            LogPurged(log, result.Deleted, cutoff, result.Finished ? "done" : "more to do on the next run", result.Note ?? "");
        Ended(result, null);
        return result;
    }

    private void Ended(PurgeResult? result, Exception? failure)
    {
        List<TaskCompletionSource<PurgeResult>> ready;
        lock (_gate)
        {
            _runs++;
            _last = result ?? _last;
            ready = _waiters.Where(w => w.Runs <= _runs).Select(w => w.Done).ToList();
            _waiters.RemoveAll(w => w.Runs <= _runs);
        }
        foreach (var done in ready)
        {
            if (failure is null) done.TrySetResult(result!);
            else done.TrySetException(failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Spend-log retention: deleted {Count} log row(s) older than {Cutoff:O}; {State} {Note}")]
    private static partial void LogPurged(ILogger log, long count, DateTimeOffset cutoff, string state, string note);
}
