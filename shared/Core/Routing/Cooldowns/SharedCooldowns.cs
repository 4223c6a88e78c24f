using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Routing.Cooldowns;

/// <summary>
/// Shares tripped breakers across instances through the store, off the request path. A trip is queued and written by
/// this background loop at once; every <see cref="ReadInterval"/> the loop reads the shared cooldowns (one read covers
/// every group) and takes the named deployments out here too. With the store unreachable each instance keeps its own
/// state, and the loop says so in the log at most every 30 s. Runs only when some group can cool down.
/// </summary>
public sealed partial class SharedCooldowns(ISharedCooldownStore? store, Func<ModelRouter> router, TimeProvider time, ILogger<SharedCooldowns> log)
    : BackgroundService, ICooldownBoard
{
    public static readonly TimeSpan ReadInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ComplaintInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<(string Id, DateTimeOffset Until)> _trips = new();
    private readonly SemaphoreSlim _wake = new(0);
    private DateTimeOffset _lastComplaint = DateTimeOffset.MinValue;

    /// <summary>Cooldowns read from the store and applied (for tests and the log).</summary>
    public long Applied => Interlocked.Read(ref _applied);
    private long _applied;

    public void Publish(Deployment deployment, DateTimeOffset until)
    {
        if (store is null) return;
        _trips.Enqueue((deployment.Config.Id, until));
        _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (store is null) return;
        var deployments = router().Groups.SelectMany(g => g.Deployments).Where(d => d.Breaker.Enabled)
            .GroupBy(d => d.Config.Id).ToDictionary(g => g.Key, g => g.ToArray());
        if (deployments.Count == 0) return;
        var nextRead = time.GetUtcNow();
        while (!stop.IsCancellationRequested)
        {
            await WriteTripsAsync(stop);
            var now = time.GetUtcNow();
            if (now >= nextRead)
            {
                nextRead = now + ReadInterval;
                await ReadAsync(deployments, now, stop);
            }
            // Wake for a trip to publish, or when the next read is due.
            var wait = nextRead - time.GetUtcNow();
            if (wait <= TimeSpan.Zero) continue;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var woken = _wake.WaitAsync(cts.Token);
            await Task.WhenAny(woken, Task.Delay(wait, time, cts.Token));
            cts.Cancel();
            try
            {
                await woken;
            }
            catch (OperationCanceledException)
            {
                if (stop.IsCancellationRequested) return;
            }
        }
    }

    private async Task WriteTripsAsync(CancellationToken stop)
    {
        while (_trips.TryDequeue(out var trip))
        {
            try
            {
                await store!.PublishCooldownAsync(trip.Id, trip.Until, stop);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                Complain(e);
            }
        }
    }

    private async Task ReadAsync(Dictionary<string, Deployment[]> deployments, DateTimeOffset now, CancellationToken stop)
    {
        try
        {
            foreach (var c in await store!.ReadCooldownsAsync(now, stop))
                if (deployments.TryGetValue(c.DeploymentId, out var ds))
                    foreach (var d in ds)
                    {
                        d.Breaker.OpenFromShared(c.Until, now);
                        Interlocked.Increment(ref _applied);
                    }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            Complain(e);
        }
    }

    private void Complain(Exception e)
    {
        var now = time.GetUtcNow();
        if (now - _lastComplaint < ComplaintInterval) return;
        _lastComplaint = now;
        LogUnreachable(e.GetType().Name);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shared cooldowns: the store did not answer ({Error}); this instance routes on its own cooldowns until it does")]
    private partial void LogUnreachable(string error);
}
