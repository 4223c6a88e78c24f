using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Auth;
using Gateway.Config;
using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Keys.Api;

/// <summary>The start of every management call: the master key only, then the JSON body (for POSTs).</summary>
public sealed class AdminRequest(IRequestAuthenticator auth, GatewayConfig config)
{
    public async Task RequireMasterAsync(HttpContext ctx)
    {
        var caller = await auth.AuthenticateAsync(ctx);
        if (caller.Kind == CallerKind.Anonymous)
            throw new GatewayException(403, "permission_error", "Virtual keys need a master key: set GATEWAY_MASTER_KEY (or general_settings.master_key).", "master_key_required");
        if (caller.Kind != CallerKind.MasterKey)
            throw new GatewayException(403, "permission_error", "Only the master key may manage keys, teams and users.", "master_key_required");
    }

    /// <summary>
    /// The caller of a route a virtual key may also call about itself (<c>/key/info</c>, <c>/user/info</c>,
    /// <c>/team/info</c>, <c>/key/health</c>): the master key, or a virtual key whose grant the endpoint checks.
    /// </summary>
    public async Task<CallerIdentity> ReaderAsync(HttpContext ctx)
    {
        var caller = await auth.AuthenticateAsync(ctx);
        if (caller.Kind == CallerKind.Anonymous)
            throw new GatewayException(403, "permission_error", "Virtual keys need a master key: set GATEWAY_MASTER_KEY (or general_settings.master_key).", "master_key_required");
        return caller;
    }

    /// <summary>
    /// What a self-service read is about: the master key names any id in the query parameter <paramref name="param"/>
    /// (required); a virtual key reads only its own (<paramref name="own"/> of its key), and may leave the parameter out.
    /// Anything else is a 403. <paramref name="normalize"/> turns the parameter into the form <paramref name="own"/> gives.
    /// </summary>
    internal async Task<string> OwnIdAsync(HttpContext ctx, string param, Func<KeyRecord, string?> own, string what, Func<string, string>? normalize = null)
    {
        var caller = await ReaderAsync(ctx);
        var named = OptionalQuery(ctx, param) is { } q ? normalize?.Invoke(q) ?? q : null;
        if (caller.Kind == CallerKind.MasterKey) return named ?? throw Errors.MissingField(param, "a query parameter");
        var mine = caller.Grant is { } grant ? own(grant.Key) : null;
        if (mine is null || (named is not null && named != mine))
            throw new GatewayException(403, "permission_error", $"A virtual key may read only {what}; this needs the master key.", "not_allowed");
        return mine;
    }

    /// <summary>The body of a management POST, read once the caller is known to be the master key.</summary>
    internal async Task<JsonDocument> ReadJsonAsync(HttpContext ctx)
    {
        await RequireMasterAsync(ctx);
        using var body = await RequestBody.ReadAsync(ctx.Request, config.MaxRequestBytes, ctx.RequestAborted);
        return RequestJson.Parse(body.Memory.ToArray());
    }

    internal static string Query(HttpContext ctx, string name) =>
        OptionalQuery(ctx, name) ?? throw Errors.MissingField(name, "a query parameter");

    internal static string? OptionalQuery(HttpContext ctx, string name) =>
        ctx.Request.Query[name].ToString() is { Length: > 0 } v ? v : null;

    internal static async Task WriteAsync(HttpContext ctx, JsonNode body)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        GatewayRequestFeature.Get(ctx)?.StampOverhead(ctx.Response);
        await ctx.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body, KeysJson.Default.JsonNode), ctx.RequestAborted);
    }

    internal static GatewayException NotFound(string what, string param) =>
        new(404, Errors.InvalidRequest, $"{what} does not exist.", "not_found", param);
}
