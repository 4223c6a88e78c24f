using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Http;
using Gateway.Keys.Api;
using Microsoft.AspNetCore.Http;

namespace Gateway.Caching;

/// <summary>
/// The cache's admin routes (master key only): <c>GET /cache/ping</c> (is the cache on and its store answering),
/// <c>POST /cache/delete {"keys": [...]}</c> (the keys <c>x-gateway-cache-key</c> reported) and <c>POST /cache/flush</c>.
/// With the cache off they answer 400 <c>cache_not_enabled</c>.
/// </summary>
public sealed class CacheEndpoints(AdminRequest admin, CacheSettings settings, IResponseCacheStore? store = null, Semantic.SemanticCache? semantic = null)
{
    public const int MaxKeysPerDelete = 1000;

    public async Task PingAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var cache = Enabled();
        var healthy = await cache.PingAsync(ctx.RequestAborted);
        if (!healthy) throw new GatewayException(503, "service_unavailable", "The cache store did not answer.", "cache_unreachable");
        await AdminRequest.WriteAsync(ctx, new JsonObject
        {
            ["status"] = "healthy",
            ["cache_type"] = settings.Type.ToString().ToLowerInvariant(),
            ["store"] = cache.Name,
            ["ping_response"] = true,
        });
    }

    public async Task DeleteAsync(HttpContext ctx)
    {
        using var doc = await admin.ReadJsonAsync(ctx);
        var cache = Enabled();
        if (!doc.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
            throw Errors.MissingField("keys", "a list of cache keys (as x-gateway-cache-key reports them)");
        if (keys.GetArrayLength() > MaxKeysPerDelete) throw Errors.InvalidField("keys", $"at most {MaxKeysPerDelete} keys per call");
        var list = new List<string>();
        foreach (var k in keys.EnumerateArray())
        {
            if (k.ValueKind != JsonValueKind.String || k.GetString() is not { } key || !CacheKey.IsWellFormed(key))
                throw Errors.InvalidField("keys", "each key must be a cache key as x-gateway-cache-key reports it (64 hex digits)");
            list.Add(key);
        }
        var deleted = await cache.DeleteAsync(list, ctx.RequestAborted);
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["status"] = "success", ["deleted"] = deleted });
    }

    public async Task FlushAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        await Enabled().FlushAsync(ctx.RequestAborted);
        if (semantic is not null) await semantic.ForgetAsync(ctx.RequestAborted);
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["status"] = "success" });
    }

    private IResponseCacheStore Enabled() =>
        settings.Enabled && store is not null ? store
            : throw Errors.BadRequest("The response cache is off; set litellm_settings.cache: true to use it.", code: "cache_not_enabled");
}
