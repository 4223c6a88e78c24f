using System.Text.Json;
using Gateway.Auth;
using Gateway.Config;
using Gateway.Http;
using Gateway.Json;
using Gateway.Pipeline;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Models;

/// <summary><c>GET /v1/models</c>, <c>GET /v1/models/{id}</c> and <c>GET /model/info</c>.</summary>
public sealed class ModelsEndpoints(ModelRouter router, IRequestAuthenticator auth, GatewayConfig config, TimeProvider time)
{
    private readonly long _created = time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>The groups (and <c>model_group_alias</c> names not marked hidden) the caller may call: all for the master key, the key's own for a virtual key.</summary>
    public async Task ListAsync(HttpContext ctx)
    {
        var caller = await auth.AuthenticateAsync(ctx);
        var list = new ModelList(router.VisibleNames.Select(n => (Name: n, Group: router.Resolve(n)))
            .Where(x => ModelAccess.Allows(caller, x.Group.Name)).Select(x => Card(x.Name, x.Group)).ToArray());
        await WriteAsync(ctx, list, GatewayJsonContext.Api.ModelList);
    }

    public async Task GetAsync(HttpContext ctx)
    {
        var caller = await auth.AuthenticateAsync(ctx);
        var id = (string)ctx.Request.RouteValues["id"]!;
        // A model the key may not use is reported as unknown: its existence is not the key's business.
        if (!router.TryResolve(id, out var group) || !ModelAccess.Allows(caller, group.Name))
            throw Errors.ModelNotFound(id, router.Groups.Select(g => g.Name).Where(n => ModelAccess.Allows(caller, n)));
        await WriteAsync(ctx, Card(id, group), GatewayJsonContext.Api.ModelCard);
    }

    /// <summary>
    /// LiteLLM's <c>/model/info</c>. Deployment details (api_base, upstream model names, per-deployment limits, the
    /// whole <c>model_info</c>) are for the master key; a virtual key sees its own groups with their public facts only.
    /// </summary>
    public async Task InfoAsync(HttpContext ctx)
    {
        var caller = await auth.AuthenticateAsync(ctx);
        var admin = caller.Kind != CallerKind.VirtualKey;
        var entries = config.Deployments.Where(d => ModelAccess.Allows(caller, d.ModelName)).Select(d =>
        {
            if (!admin) return new ModelInfoEntry(d.ModelName, null, PublicInfo(d.ModelInfo));
            var info = (System.Text.Json.Nodes.JsonObject)d.ModelInfo.DeepClone();
            info["id"] = d.Id;
            info["provider"] = d.Provider;
            return new ModelInfoEntry(d.ModelName, new DeploymentParamsView(
                $"{d.Provider}/{d.UpstreamModel}", d.ApiBase, d.ApiVersion, d.Timeout.TotalSeconds, d.MaxRetries, d.Rpm, d.Tpm), info);
        });
        if (!admin) entries = entries.DistinctBy(e => e.ModelName);
        await WriteAsync(ctx, new ModelInfoList(entries.ToArray()), GatewayJsonContext.Api.ModelInfoList);
    }

    /// <summary>What any caller of a group may know: its mode, token limits, prices and capabilities; no ids or upstream names.</summary>
    private static System.Text.Json.Nodes.JsonObject PublicInfo(System.Text.Json.Nodes.JsonObject info)
    {
        var result = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, value) in info)
            if (name is "mode" or "max_tokens" or "max_input_tokens" or "max_output_tokens" || name.StartsWith("supports_", StringComparison.Ordinal)
                || name.EndsWith("_cost_per_token", StringComparison.Ordinal))
                result[name] = value?.DeepClone();
        return result;
    }

    private ModelCard Card(string name, ModelGroup g) => new(name, _created, g.Deployments[0].Config.Provider);

    private static async Task WriteAsync<T>(HttpContext ctx, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type);
        await JsonResponse.WriteAsync(ctx, bytes, GatewayRequestFeature.Get(ctx)!);
    }
}
