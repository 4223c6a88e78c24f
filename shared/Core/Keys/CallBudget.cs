using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Keys;

/// <summary>
/// A call's reservation, settled once with what the call actually cost (priced at the serving deployment's rates by
/// the caller). Unknown usage (a dropped stream) books the reserved worst case; a call that never settles (it failed
/// before an answer) is released at zero cost when disposed.
/// </summary>
public sealed partial class CallBudget(
    IGovernanceStore store, AdmitRequest reservation, TimeProvider time, ILogger log, HttpResponse response, KeyGrant grant)
    : IDisposable
{
    private int _settled;

    /// <param name="cost">What the call cost in dollars, with its tokens; null when its usage is unknown.</param>
    public async Task SettleAsync((decimal Dollars, long Tokens)? cost)
    {
        if (Interlocked.Exchange(ref _settled, 1) == 1) return;
        var (nanos, tokens) = cost is { } c ? (Money.ToNanos(c.Dollars), c.Tokens) : (reservation.CostNanos, reservation.Tokens);
        var now = time.GetUtcNow();
        var usageAfter = await store.SettleAsync(SettleRequest.For(reservation, nanos, tokens, now), CancellationToken.None);
        CallLimiter.WriteHeaders(response, grant, usageAfter);
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
