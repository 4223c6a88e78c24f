using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Alerts;

/// <summary>
/// The embedded gateway's alert schedule, when <c>general_settings.alerting</c> names a channel: the sweep once a minute
/// on the gateway's <see cref="TimeProvider"/> (budgets, forecasts, today's anomalies, and deliveries due a retry).
/// Spend reaches SQLite through the journal, so a minute is the longest an alert waits.
/// </summary>
public sealed partial class LocalAlertLoop(AlertEngine engine, TimeProvider time, ILogger<LocalAlertLoop> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    await engine.SweepAsync(stop);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(log, e); // the next tick runs the rules again; dedup keeps what fired quiet
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The alert sweep failed; it runs again in a minute")]
    private static partial void LogFailed(ILogger log, Exception e);
}
