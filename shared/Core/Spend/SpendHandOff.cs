using Microsoft.Extensions.Logging;

namespace Gateway.Spend;

/// <summary>
/// Hands each finished event to the sink before the response completes. A call that finds no write in progress writes
/// its event itself, on its own flow (a sink that completes synchronously, like the journal, costs no thread hop).
/// Calls that arrive during a write share the next one (group commit). Each write gets bounded retries, and one that
/// still fails is logged and counted; the caller's response goes on either way. At shutdown the container disposes it
/// before the sink it depends on, and disposal waits for the writes still under way, so a sink closes after its last event.
/// </summary>
public sealed partial class SpendHandOff(ISpendSink sink, ILogger<SpendHandOff> log, SpendHandOffOptions options) : IAsyncDisposable
{
    private readonly object _gate = new();
    private List<Pending> _queue = [];
    private bool _writing;
    private TaskCompletionSource? _idle;
    private long _handedOff, _lost, _batches;

    /// <summary>
    /// Events written, events given up on after the retries, sink writes made, and times the sink's store was found
    /// falling behind (the embedded journal's backlog; 0 for sinks without one), since start.
    /// </summary>
    public (long HandedOff, long Lost, long Batches, long Behind) Counts =>
        (Interlocked.Read(ref _handedOff), Interlocked.Read(ref _lost), Interlocked.Read(ref _batches), (sink as ISpendBacklog)?.BehindCount ?? 0);

    public string SinkName => sink.Name;

    /// <summary>Completes once the event is written, or given up on. Never throws.</summary>
    public Task HandOffAsync(SpendEvent e)
    {
        lock (_gate)
        {
            if (_writing)
            {
                var pending = new Pending(e);
                _queue.Add(pending);
                return pending.Done.Task;
            }
            _writing = true;
        }
        return WriteInlineAsync(e);
    }

    private async Task WriteInlineAsync(SpendEvent e)
    {
        try
        {
            var ok = await WriteWithRetriesAsync([e]);
            Interlocked.Increment(ref ok ? ref _handedOff : ref _lost);
        }
        finally
        {
            bool more;
            lock (_gate)
            {
                more = _queue.Count > 0;
                if (!more) SetIdle();
            }
            // Calls that queued during this write: one background loop writes them in batches.
            if (more) _ = Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    SetIdle();
                    return;
                }
                if (_queue.Count <= options.MaxBatch)
                {
                    batch = _queue;
                    _queue = [];
                }
                else
                {
                    batch = _queue.GetRange(0, options.MaxBatch);
                    _queue.RemoveRange(0, options.MaxBatch);
                }
            }
            var ok = await WriteWithRetriesAsync(batch.ConvertAll(p => p.Event));
            Interlocked.Add(ref ok ? ref _handedOff : ref _lost, batch.Count);
            foreach (var p in batch) p.Done.TrySetResult();
        }
    }

    /// <summary>Called under the gate when the last write ends with nothing queued.</summary>
    private void SetIdle()
    {
        _writing = false;
        _idle?.TrySetResult();
        _idle = null;
    }

    /// <summary>Waits (up to <see cref="SpendHandOffOptions.ShutdownFlushTimeout"/>) for the write under way and the events queued behind it.</summary>
    public async ValueTask DisposeAsync()
    {
        Task idle;
        lock (_gate) idle = _writing ? (_idle ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task : Task.CompletedTask;
        try
        {
            await idle.WaitAsync(options.ShutdownFlushTimeout);
        }
        catch (TimeoutException)
        {
            int queued;
            lock (_gate) queued = _queue.Count;
            LogUnflushed(log, sink.Name, options.ShutdownFlushTimeout.TotalSeconds, queued);
        }
        var (handedOff, lost, batches, _) = Counts;
        LogTotals(log, sink.Name, handedOff, lost, batches);
    }

    private async Task<bool> WriteWithRetriesAsync(List<SpendEvent> events)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = new CancellationTokenSource(options.AttemptTimeout);
            try
            {
                Interlocked.Increment(ref _batches);
                await sink.WriteAsync(events, timeout.Token);
                return true;
            }
            catch (Exception e)
            {
                if (attempt >= options.Attempts)
                {
                    LogLost(log, e, events.Count, sink.Name, attempt, events[0].Id);
                    return false;
                }
                LogRetry(log, sink.Name, attempt, e.Message);
                await Task.Delay(options.Backoff * attempt);
            }
        }
    }

    private sealed class Pending(SpendEvent e)
    {
        public SpendEvent Event { get; } = e;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spend sink {Sink} write failed (attempt {Attempt}): {Reason}; retrying")]
    private static partial void LogRetry(ILogger log, string sink, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Spend sink {Sink} still busy {Seconds} s into shutdown, with {Queued} event(s) queued behind the write under way")]
    private static partial void LogUnflushed(ILogger log, string sink, double seconds, int queued);

    [LoggerMessage(Level = LogLevel.Information, Message = "Spend hand-off to {Sink} closed: {HandedOff} event(s) handed off, {Lost} lost, {Batches} sink write(s)")]
    private static partial void LogTotals(ILogger log, string sink, long handedOff, long lost, long batches);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lost {Count} spend event(s) after {Attempts} attempts on sink {Sink} (first request id {RequestId})")]
    private static partial void LogLost(ILogger log, Exception e, int count, string sink, int attempts, string requestId);
}

/// <summary>Batch size (Table Storage transactions and Event Hubs batches both stay well inside their limits at 100), attempts and pacing.</summary>
public sealed record SpendHandOffOptions
{
    public int MaxBatch { get; init; } = 100;
    public int Attempts { get; init; } = 3;
    public TimeSpan Backoff { get; init; } = TimeSpan.FromMilliseconds(50);
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How long shutdown waits for writes still under way: one batch's attempts, with room to spare.</summary>
    public TimeSpan ShutdownFlushTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
