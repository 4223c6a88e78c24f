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
    private ApiRequest(CallerIdentity caller, RequestBody body, GatewayRequestFeature timing)
    {
        Caller = caller;
        Body = body;
        Timing = timing;
    }

    public CallerIdentity Caller { get; }
    public RequestBody Body { get; }
    public GatewayRequestFeature Timing { get; }

    public void Dispose() => Body.Dispose();

    /// <summary>Reads an API request: authenticates first (no body is read for an unknown caller), then the body.</summary>
    public sealed class Reader(IRequestAuthenticator auth, GatewayConfig config)
    {
        public async ValueTask<ApiRequest> ReadAsync(HttpContext ctx)
        {
            var timing = GatewayRequestFeature.Get(ctx)!;
            var caller = await auth.AuthenticateAsync(ctx);
            var body = await RequestBody.ReadAsync(ctx.Request, config.MaxRequestBytes, ctx.RequestAborted);
            return new ApiRequest(caller, body, timing);
        }
    }
}
