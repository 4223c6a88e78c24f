using System.Net;
using Gateway.Auth;
using Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Triggers;

/// <summary>
/// Who may invoke a trigger route (<c>/spend-ingest</c>, <c>/alerts</c>, <c>/sweeper</c>, <c>/events</c>). The public
/// HTTP surface reaches the same app, so a client could otherwise post fake spend. Allowed: the platform itself, or
/// anyone with the master key. A platform call is a direct loopback call that was not forwarded from a public request:
/// <list type="bullet">
/// <item>no forwarding header (<c>X-Forwarded-For</c> is added by the Functions host's HTTP proxy; a Function URL
/// request carries the <c>x-forwarded-*</c> headers AWS put in its event);</item>
/// <item>no Lambda request context, or the pass-through one. The Lambda Web Adapter sets <c>x-amzn-request-context</c>
/// on every invocation (replacing any value the client sent): the JSON of the Function URL request context for an
/// HTTP request, the literal <c>null</c> for a non-HTTP event it passes through to <c>/events</c>.</item>
/// </list>
/// </summary>
public sealed class TriggerGuard(IRequestAuthenticator auth)
{
    public const string LambdaRequestContextHeader = "x-amzn-request-context";

    // Any of these means a proxy relayed the request from outside the machine.
    private static readonly string[] ForwardingHeaders =
        ["X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "Forwarded"];

    public async Task RequireAsync(HttpContext ctx)
    {
        if (IsPlatformCall(ctx.Connection.RemoteIpAddress, ctx.Request.Headers)) return;
        if (ctx.Request.Headers.Authorization.Count > 0 || ctx.Request.Headers.ContainsKey("x-api-key"))
        {
            var caller = await auth.AuthenticateAsync(ctx);
            if (caller.Kind == CallerKind.MasterKey) return;
        }
        throw new GatewayException(403, "permission_error",
            "Trigger routes answer only the platform (the Functions host or the Lambda Web Adapter on loopback) or the master key.", "trigger_forbidden");
    }

    public static bool IsPlatformCall(IPAddress? remote, IHeaderDictionary headers)
    {
        if (remote is null || !IPAddress.IsLoopback(remote)) return false;
        foreach (var name in ForwardingHeaders)
            if (headers.ContainsKey(name)) return false;
        return IsPassThroughContext(headers[LambdaRequestContextHeader]);
    }

    /// <summary>
    /// Absent (not behind the adapter) or exactly one value that is exactly <c>null</c>, as the adapter serializes its
    /// pass-through context. Anything else — a JSON object, several values, other case, padding, a quoted
    /// <c>"null"</c>, an empty value — is treated as a public request.
    /// </summary>
    private static bool IsPassThroughContext(StringValues context) =>
        context.Count == 0 || (context.Count == 1 && string.Equals(context[0], "null", StringComparison.Ordinal));
}
