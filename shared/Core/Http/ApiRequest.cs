using System.Globalization;
using Gateway.Auth;
using Gateway.Chat;
using Gateway.Config;
using Gateway.Spend;
using Microsoft.AspNetCore.Http;

namespace Gateway.Http;

/// <summary>
/// The common start and end of every API call: who is calling and the body, read within the size limit; then, once the
/// call has its usage, one <see cref="CompleteAsync"/> that prices it, settles the caller's budget and writes its
/// spend event. Per-caller checks (virtual keys, limits) hook in here so every endpoint gets them.
/// </summary>
public sealed class ApiRequest : IDisposable
{
    public const string ResponseCostHeader = "x-gateway-response-cost";

    private readonly HttpResponse _response;

    private ApiRequest(CallerIdentity caller, RequestBody body, GatewayRequestFeature timing, Keys.CallBudget? budget, CallRecord call, HttpResponse response)
    {
        Caller = caller;
        Body = body;
        Timing = timing;
        Budget = budget;
        Call = call;
        _response = response;
    }

    public CallerIdentity Caller { get; }
    public RequestBody Body { get; }
    public GatewayRequestFeature Timing { get; }

    /// <summary>A virtual key's reservation for this call (null for the master key or with auth off).</summary>
    public Keys.CallBudget? Budget { get; }

    /// <summary>What the call did so far; becomes its spend event.</summary>
    public CallRecord Call { get; }

    /// <summary>
    /// Ends the call's bookkeeping before its response completes: prices the usage at the serving deployment's rates,
    /// settles the budget (unknown usage books the reserved worst case) and hands off the spend event, both at once.
    /// A non-streamed response also gets the cost header. <paramref name="error"/> marks a call that failed after it
    /// used tokens (a stream that broke off).
    /// </summary>
    public Task CompleteAsync(TokenUsage? usage, GatewayException? error = null)
    {
        var known = usage is { IsKnown: true } u ? u : (TokenUsage?)null;
        var cost = known is { } k ? Call.Price(k).Total : (decimal?)null;
        if (cost is { } c && !_response.HasStarted) _response.Headers[ResponseCostHeader] = c.ToString(CultureInfo.InvariantCulture);
        var settle = Budget?.SettleAsync(cost is { } d ? (d, known!.Value.TotalTokens) : null) ?? Task.CompletedTask;
        var spend = Call.EmitAsync(known, error);
        return Task.WhenAll(settle, spend);
    }

    public void Dispose()
    {
        Body.Dispose();
        Budget?.Dispose(); // releases an unsettled reservation (the call failed) at zero cost
    }

    /// <summary>Reads an API request: authenticates first (no body is read for an unknown caller), then the body.</summary>
    public sealed class Reader(IRequestAuthenticator auth, GatewayConfig config, Keys.CallLimiter limiter, SpendRecorder spend)
    {
        public async ValueTask<ApiRequest> ReadAsync(HttpContext ctx)
        {
            var timing = GatewayRequestFeature.Get(ctx)!;
            var caller = await auth.AuthenticateAsync(ctx);
            var body = await RequestBody.ReadAsync(ctx.Request, config.MaxRequestBytes, ctx.RequestAborted);
            try
            {
                // Virtual keys: model access, limits and the worst-case reservation, in one store round trip.
                var budget = await limiter.AdmitAsync(ctx, caller, body.Memory);
                // Admitted: from here on the call ends in exactly one spend event, whatever happens.
                var call = spend.Start(ctx, timing, caller, body.Memory);
                return new ApiRequest(caller, body, timing, budget, call, ctx.Response);
            }
            catch
            {
                body.Dispose();
                throw;
            }
        }
    }
}
