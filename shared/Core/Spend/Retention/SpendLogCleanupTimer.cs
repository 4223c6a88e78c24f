using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Spend.Retention;

/// <summary>
/// The embedded gateway's cleanup schedule: a run at start (a gateway restarted daily still cleans), then one per
/// retention interval, on the gateway's <see cref="TimeProvider"/>. Each run deletes until nothing expired is left.
/// </summary>
public sealed partial class SpendLogCleanupTimer(SpendLogCleanup cleanup, TimeProvider time, ILogger<SpendLogCleanupTimer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Yield();
        // Created before the first run, so a tick that comes while a run is under way is not lost.
        using var timer = new PeriodicTimer(cleanup.Retention.Interval, time);
        do
        {
            try
            {
                await cleanup.RunIfDueAsync(int.MaxValue, stop);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                LogFailed(log, e); // the rows stay; the next tick tries again
            }
        } while (await WaitAsync(timer, stop));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spend-log retention cleanup failed; it runs again at the next interval")]
    private static partial void LogFailed(ILogger log, Exception e);
}
