using System.Text.Json;
using Gateway.Auth;
using Gateway.Config;
using Gateway.Http;
using Gateway.Json;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Models;

/// <summary><c>GET /v1/models</c>, <c>GET /v1/models/{id}</c> and <c>GET /model/info</c>.</summary>
public sealed class ModelsEndpoints(ModelRouter router, IRequestAuthenticator auth, GatewayConfig config, TimeProvider time)
{
    private readonly long _created = time.GetUtcNow().ToUnixTimeSeconds();

    public async Task ListAsync(HttpContext ctx)
    {
        await auth.AuthenticateAsync(ctx);
        var list = new ModelList(router.Groups.Select(Card).ToArray());
        await WriteAsync(ctx, list, GatewayJsonContext.Api.ModelList);
    }

    public async Task GetAsync(HttpContext ctx)
    {
        await auth.AuthenticateAsync(ctx);
        var id = (string)ctx.Request.RouteValues["id"]!;
        await WriteAsync(ctx, Card(router.Resolve(id)), GatewayJsonContext.Api.ModelCard);
    }

    public async Task InfoAsync(HttpContext ctx)
    {
        await auth.AuthenticateAsync(ctx);
        var entries = config.Deployments.Select(d =>
        {
            var info = (System.Text.Json.Nodes.JsonObject)d.ModelInfo.DeepClone();
            info["id"] = d.Id;
            info["provider"] = d.Provider;
            return new ModelInfoEntry(d.ModelName, new DeploymentParamsView(
                $"{d.Provider}/{d.UpstreamModel}", d.ApiBase, d.ApiVersion, d.Timeout.TotalSeconds, d.MaxRetries, d.Rpm, d.Tpm), info);
        }).ToArray();
        await WriteAsync(ctx, new ModelInfoList(entries), GatewayJsonContext.Api.ModelInfoList);
    }

    private ModelCard Card(ModelGroup g) => new(g.Name, _created, g.Deployments[0].Config.Provider);

    private static async Task WriteAsync<T>(HttpContext ctx, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type);
        await JsonResponse.WriteAsync(ctx, bytes, GatewayRequestFeature.Get(ctx)!);
    }
}
