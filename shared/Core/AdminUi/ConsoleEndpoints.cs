using Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.AdminUi;

/// <summary>
/// Serves the console: <c>/ui/</c> is its page, <c>/ui/assets/…</c> its hashed bundle files. Every answer carries a strict
/// Content-Security-Policy (scripts and styles from this origin only, nothing inline, no framing), so a script injected
/// through data shown in the console has nowhere to run and the console cannot be framed for clickjacking.
/// </summary>
public sealed class ConsoleEndpoints(ConsoleAssets assets)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// <c>/ui/</c> is the page; <c>/ui</c> (one route: routing treats a trailing slash as the same path) redirects to it,
    /// because the page's relative asset paths need the slash.
    /// </summary>
    public Task PageAsync(HttpContext ctx)
    {
        if (ctx.Request.Path.Value?.EndsWith('/') == true) return WriteAsync(ctx, assets.Find(ConsoleAssets.IndexName));
        ctx.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        ctx.Response.Headers.Location = "ui/";
        return Task.CompletedTask;
    }

    public Task AssetAsync(HttpContext ctx, string name) => WriteAsync(ctx, assets.Find("assets/" + name));

    private static async Task WriteAsync(HttpContext ctx, ConsoleAsset? asset)
    {
        if (asset is null)
            throw new GatewayException(404, "invalid_request_error", "The console has no such file.", "not_found");
        var headers = ctx.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ETag = asset.ETag;
        // The page is checked on every load (a new gateway version brings new asset names); the hashed assets never change.
        headers.CacheControl = asset.Immutable ? "public, max-age=31536000, immutable" : "no-cache";
        if (ctx.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == asset.ETag)))
        {
            ctx.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = asset.ContentType;
        ctx.Response.ContentLength = asset.Content.Length;
        if (!HttpMethods.IsHead(ctx.Request.Method)) await ctx.Response.Body.WriteAsync(asset.Content, ctx.RequestAborted);
    }
}
