using Gateway.Keys;
using Microsoft.Extensions.Logging;

namespace Gateway.Limits;

/// <summary>
/// A call's reservation, settled once with what the call cost (the pipeline prices known or estimated usage at the
/// serving deployment's rates, the same figure its spend event carries). A call that never settles is released at
/// zero cost when disposed: a backstop only, since the pipeline settles every admitted call.
/// </summary>
public sealed partial class CallBudget(IGovernanceStore store, AdmitRequest reservation, TimeProvider time, ILogger log, CallCharges charges)
    : IDisposable
{
    private int _settled;

    /// <summary>Books the call's cost and tokens (both clamped at zero) and returns the header values after it.</summary>
    public async Task<LimitHeaders> SettleAsync(long costNanos, long tokens)
    {
        if (Interlocked.Exchange(ref _settled, 1) == 1) return default;
        var request = SettleRequest.For(reservation, Math.Max(0, costNanos), Math.Max(0, tokens), time.GetUtcNow());
        var usageAfter = await store.SettleAsync(request, CancellationToken.None);
        return LimitHeaders.From(charges, usageAfter);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _settled, 1) == 1) return;
        var request = SettleRequest.For(reservation, 0, 0, time.GetUtcNow());
        _ = Task.Run(async () =>
        {
            try
            {
                await store.SettleAsync(request);
            }
            catch (Exception e)
            {
                LogReleaseFailed(log, e, reservation.ReservationId);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing reservation {ReservationId} failed; the sweeper will release it")]
    private static partial void LogReleaseFailed(ILogger log, Exception e, string reservationId);
}
