using System.Text.Json;
using Gateway.Auth;
using Gateway.Http;
using Gateway.Providers.Translation;
using Gateway.Responses.Storage;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Responses;

/// <summary>
/// <c>GET</c> and <c>DELETE /v1/responses/{id}</c> and <c>GET /v1/responses/{id}/input_items</c>, for the key (or team) that
/// made the response. Bridged responses are answered from the store; native ones are asked of the deployment that holds them.
/// </summary>
public sealed class StoredResponsesEndpoints(IRequestAuthenticator auth, ResponseKeeper keeper, ModelRouter router)
{
    public async Task GetAsync(HttpContext ctx, string id)
    {
        var (found, timing) = await FindAsync(ctx, id);
        if (found.IsNative)
        {
            await ForwardAsync(ctx, found, HttpMethod.Get, "/responses/" + Uri.EscapeDataString(id));
            return;
        }
        using var doc = JsonDocument.Parse(found.Document);
        await JsonResponse.WriteAsync(ctx, JsonBytes.Write(ResponseDocument.Part(doc, "response"), static (w, r) => r.WriteTo(w)), timing);
    }

    public async Task DeleteAsync(HttpContext ctx, string id)
    {
        var (found, timing) = await FindAsync(ctx, id);
        if (found.IsNative) await ForwardAsync(ctx, found, HttpMethod.Delete, "/responses/" + Uri.EscapeDataString(id), answer: false);
        await keeper.DeleteAsync(found, ctx.RequestAborted);
        await JsonResponse.WriteAsync(ctx, JsonBytes.Write(id, static (w, id) =>
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "response");
            w.WriteBoolean("deleted", true);
            w.WriteEndObject();
        }), timing);
    }

    public async Task InputItemsAsync(HttpContext ctx, string id)
    {
        var (found, timing) = await FindAsync(ctx, id);
        if (found.IsNative)
        {
            await ForwardAsync(ctx, found, HttpMethod.Get, $"/responses/{Uri.EscapeDataString(id)}/input_items{ctx.Request.QueryString}");
            return;
        }
        var ascending = ctx.Request.Query["order"] == "asc";
        var limit = int.TryParse(ctx.Request.Query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 20;
        using var doc = JsonDocument.Parse(found.Document);
        var items = ResponseDocument.Part(doc, "input").EnumerateArray().ToList();
        if (!ascending) items.Reverse(); // OpenAI lists newest first unless asked otherwise
        if (ctx.Request.Query["after"].ToString() is { Length: > 0 } after)
            items = items.SkipWhile(i => JsonBytes.String(i, "id") != after).Skip(1).ToList();
        var page = items.Take(limit).ToList();
        await JsonResponse.WriteAsync(ctx, JsonBytes.Write((page, more: items.Count > page.Count), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var item in s.page) item.WriteTo(w);
            w.WriteEndArray();
            w.WriteString("first_id", s.page.Count > 0 ? JsonBytes.String(s.page[0], "id") : null);
            w.WriteString("last_id", s.page.Count > 0 ? JsonBytes.String(s.page[^1], "id") : null);
            w.WriteBoolean("has_more", s.more);
            w.WriteEndObject();
        }), timing);
    }

    private async Task<(StoredResponse, GatewayRequestFeature)> FindAsync(HttpContext ctx, string id)
    {
        var caller = await auth.AuthenticateAsync(ctx);
        var found = await keeper.FindAsync(id, ResponseOwner.Of(caller), null, ctx.RequestAborted);
        return (found, GatewayRequestFeature.Get(ctx)!);
    }

    /// <summary>A native response is read from (or deleted at) the deployment that made it, with the gateway's credentials.</summary>
    private async Task ForwardAsync(HttpContext ctx, StoredResponse found, HttpMethod method, string route, bool answer = true)
    {
        var deployment = router.Groups.SelectMany(g => g.Deployments).FirstOrDefault(d => d.Config.Id == found.Deployment);
        if (deployment is null || NativeRoute.For(deployment, NativeRoute.Responses) is not { } native)
            throw ResponseKeeper.NotFound(found.Id, null); // the deployment is gone from the config: so is the response
        var timing = GatewayRequestFeature.Get(ctx)!;
        var body = await native.SendAsync(method, route, null, timing, ctx.RequestAborted);
        if (answer) await JsonResponse.WriteAsync(ctx, body, timing);
    }
}
