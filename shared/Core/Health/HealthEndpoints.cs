using System.Reflection;
using System.Text.Json;
using Gateway.Auth;
using Gateway.Config;
using Gateway.Http;
using Gateway.Json;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Health;

/// <summary>
/// Unauthenticated probes: liveness (the process answers, as soon as the listener is up) and readiness (config loaded,
/// models routable, and the stores answer: it waits up to <see cref="StoreWait"/> for them, then says 503).
/// </summary>
public sealed class HealthEndpoints(ModelRouter router, GatewayConfig config, IRequestAuthenticator auth, StoreReadiness stores)
{
    public static readonly TimeSpan StoreWait = TimeSpan.FromSeconds(5);

    private static readonly byte[] Alive = "\"I'm alive!\""u8.ToArray();

    public static string Version { get; } =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public Task LivenessAsync(HttpContext ctx) => JsonResponse.WriteAsync(ctx, Alive, GatewayRequestFeature.Get(ctx)!);

    public async Task ReadinessAsync(HttpContext ctx)
    {
        var (storesReady, db) = await stores.CheckAsync(StoreWait, ctx.RequestAborted);
        var ready = new Readiness(
            storesReady ? "healthy" : "unhealthy",
            db,
            router.Groups.Count(),
            config.Deployments.Count,
            auth is MasterKeyAuthenticator { Enabled: false } ? "off" : "master_key",
            Version);
        await JsonResponse.WriteAsync(ctx, JsonSerializer.SerializeToUtf8Bytes(ready, GatewayJsonContext.Api.Readiness), GatewayRequestFeature.Get(ctx)!,
            statusCode: storesReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
