using System.Net;
using Gateway.Auth;
using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Triggers;

/// <summary>
/// Who may invoke a trigger route (<c>/spend-ingest</c>, <c>/alerts</c>, <c>/sweeper</c>, <c>/events</c>). The public
/// HTTP surface reaches the same app, so a client could otherwise post fake spend. Allowed: the platform itself (a
/// direct loopback call that was not forwarded from a public request: no <c>X-Forwarded-For</c>, which the Functions
/// host's HTTP proxy adds, and no <c>x-amzn-request-context</c>, which the Lambda Web Adapter adds to Function URL
/// requests), or anyone with the master key.
/// </summary>
public sealed class TriggerGuard(IRequestAuthenticator auth)
{
    public async Task RequireAsync(HttpContext ctx)
    {
        if (IsPlatformCall(ctx)) return;
        if (ctx.Request.Headers.Authorization.Count > 0 || ctx.Request.Headers.ContainsKey("x-api-key"))
        {
            var caller = await auth.AuthenticateAsync(ctx);
            if (caller.Kind == CallerKind.MasterKey) return;
        }
        throw new GatewayException(403, "permission_error",
            "Trigger routes answer only the platform (the Functions host or the Lambda Web Adapter on loopback) or the master key.", "trigger_forbidden");
    }

    private static bool IsPlatformCall(HttpContext ctx) =>
        ctx.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
        && !ctx.Request.Headers.ContainsKey("X-Forwarded-For")
        && !ctx.Request.Headers.ContainsKey("Forwarded")
        && !ctx.Request.Headers.ContainsKey("x-amzn-request-context");
}
