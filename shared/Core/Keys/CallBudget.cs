using Gateway.Chat;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Keys;

/// <summary>
/// A call's reservation, settled once with what the call actually cost. Endpoints settle with the usage they read;
/// unknown usage (a dropped stream) books the reserved worst case; a call that never settles (it failed before an
/// answer) is released at zero cost when disposed.
/// </summary>
public sealed partial class CallBudget(
    IGovernanceStore store, AdmitRequest reservation, ModelPrice price, bool producesText, TimeProvider time, ILogger log, HttpResponse response, KeyGrant grant)
    : IDisposable
{
    private int _settled;

    public async Task SettleAsync(TokenUsage? usage)
    {
        if (Interlocked.Exchange(ref _settled, 1) == 1) return;
        long cost = reservation.CostNanos, tokens = reservation.Tokens;
        if (usage is { IsKnown: true } u)
        {
            var output = producesText ? u.CompletionTokens : 0;
            var input = producesText ? u.PromptTokens : Math.Max(u.PromptTokens, u.TotalTokens);
            cost = Money.ToNanos(price.Cost(input, output));
            tokens = u.TotalTokens;
        }
        var now = time.GetUtcNow();
        var usageAfter = await store.SettleAsync(SettleRequest.For(reservation, cost, tokens, now), CancellationToken.None);
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
