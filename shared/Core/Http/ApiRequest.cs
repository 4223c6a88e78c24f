using Gateway.Auth;
using Gateway.Config;
using Microsoft.AspNetCore.Http;

namespace Gateway.Http;

/// <summary>
/// The common start of every API call: who is calling, and the body, read within the size limit.
/// Per-caller checks (virtual keys, limits) hook in here so every endpoint gets them.
/// </summary>
public sealed class ApiRequest : IDisposable
{
    private ApiRequest(CallerIdentity caller, RequestBody body, GatewayRequestFeature timing, Keys.CallBudget? budget)
    {
        Caller = caller;
        Body = body;
        Timing = timing;
        Budget = budget;
    }

    public CallerIdentity Caller { get; }
    public RequestBody Body { get; }
    public GatewayRequestFeature Timing { get; }

    /// <summary>A virtual key's reservation for this call (null for the master key or with auth off).</summary>
    public Keys.CallBudget? Budget { get; }

    /// <summary>Books what the call cost (null usage: unknown, the reserved worst case is booked). Every endpoint calls it once it has usage.</summary>
    public Task SettleAsync(Chat.TokenUsage? usage) => Budget?.SettleAsync(usage) ?? Task.CompletedTask;

    public void Dispose()
    {
        Body.Dispose();
        Budget?.Dispose(); // releases an unsettled reservation (the call failed) at zero cost
    }

    /// <summary>Reads an API request: authenticates first (no body is read for an unknown caller), then the body.</summary>
    public sealed class Reader(IRequestAuthenticator auth, GatewayConfig config, Keys.CallLimiter limiter)
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
                return new ApiRequest(caller, body, timing, budget);
            }
            catch
            {
                body.Dispose();
                throw;
            }
        }
    }
}
