using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Spend.Spool;

/// <summary>
/// Moves journaled spend into the store shortly after it is appended (woken by an append, at most every 100 ms), moves
/// in journals that stopped processes left behind at start, and drains the rest at shutdown.
/// </summary>
public sealed partial class SpoolDrainer(SpendSpool spool, ILogger<SpoolDrainer> log) : BackgroundService
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
                await spool.DrainAsync(stop);
                await Task.Delay(Pace, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogFailed(log, e); // the lines stay in the journal; the next wake or the next start moves them
                spool.NoteDrainFailed();
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
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
