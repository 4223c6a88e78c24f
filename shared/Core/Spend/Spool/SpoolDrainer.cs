using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Spend.Spool;

/// <summary>
/// Moves journaled spend into the store 100 ms after an append wakes it (so one transaction carries every call of those
/// 100 ms, and a new instance's first call does not share its CPU with opening SQLite), moves in journals that stopped
/// processes left behind at start, and drains the rest at shutdown. Queries drain first, so they never wait for it.
/// </summary>
public sealed partial class SpoolDrainer(SpendSpool spool, TimeProvider time, ILogger<SpoolDrainer> log) : BackgroundService
{
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(100);
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Yield();
        try
        {
            await spool.RecoverAsync(stop);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(log, e);
        }
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(stop);
                await Task.Delay(Pace, time, stop);
                await spool.DrainAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogFailed(log, e); // the lines stay in the journal; the next wake or the next start moves them
                spool.NoteDrainFailed();
                await Task.Delay(TimeSpan.FromSeconds(1), time, CancellationToken.None);
            }
        }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        await spool.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moving journaled spend into the store failed; it stays in the journal")]
    private static partial void LogFailed(ILogger log, Exception e);
}
