using System.Reflection;
using System.Text.Json;
using Gateway.Auth;
using Gateway.Config;
using Gateway.Http;
using Gateway.Json;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Health;

/// <summary>Unauthenticated probes: liveness (the process answers) and readiness (config loaded, models routable).</summary>
public sealed class HealthEndpoints(ModelRouter router, GatewayConfig config, IRequestAuthenticator auth)
{
    private static readonly byte[] Alive = "\"I'm alive!\""u8.ToArray();

    public static string Version { get; } =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public Task LivenessAsync(HttpContext ctx) => JsonResponse.WriteAsync(ctx, Alive, GatewayRequestFeature.Get(ctx)!);

    public Task ReadinessAsync(HttpContext ctx)
    {
        var ready = new Readiness(
            "healthy",
            router.Groups.Count(),
            config.Deployments.Count,
            auth is MasterKeyAuthenticator { Enabled: false } ? "off" : "master_key",
            Version);
        return JsonResponse.WriteAsync(ctx, JsonSerializer.SerializeToUtf8Bytes(ready, GatewayJsonContext.Api.Readiness), GatewayRequestFeature.Get(ctx)!);
    }
}
