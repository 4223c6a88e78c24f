using System.Net;
using Gateway.Config;
using Gateway.Keys.Api;
using Microsoft.AspNetCore.Http;

namespace Gateway.Metrics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus text format. Open to loopback callers (a scraper on the same host) unless
/// <c>general_settings.require_auth_for_metrics_endpoint</c> is set; anyone else needs the master key.
/// </summary>
public sealed class MetricsEndpoint(GatewayMetrics metrics, AdminRequest admin, GatewayConfig config)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public async Task HandleAsync(HttpContext ctx)
    {
        var remote = ctx.Connection.RemoteIpAddress;
        if (config.RequireAuthForMetrics || remote is null || !IPAddress.IsLoopback(remote))
            await admin.RequireMasterAsync(ctx);
        ctx.Response.ContentType = ContentType;
        await ctx.Response.WriteAsync(metrics.Render(), ctx.RequestAborted);
    }
}
