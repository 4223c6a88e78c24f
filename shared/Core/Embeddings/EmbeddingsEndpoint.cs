using Gateway.Auth;
using Gateway.Config;
using Gateway.Http;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Embeddings;

/// <summary><c>POST /v1/embeddings</c>.</summary>
public sealed class EmbeddingsEndpoint(ModelRouter router, IRequestAuthenticator auth, GatewayConfig config)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        var timing = GatewayRequestFeature.Get(ctx)!;
        var ct = ctx.RequestAborted;
        await auth.AuthenticateAsync(ctx);
        using var body = await RequestBody.ReadAsync(ctx.Request, config.MaxRequestBytes, ct);
        using var request = EmbeddingsRequest.Parse(body.Memory);
        var group = router.Resolve(request.Model);
        var result = await ModelRouter.RunAsync(group, d => d.Embeddings is { } e
            ? e.EmbedAsync(new EmbeddingsCall(request, d.Config, timing), ct)
            : throw Errors.BadRequest($"The model '{request.Model}' does not serve embeddings.", "model", "model_not_supported"), ct);
        await JsonResponse.WriteAsync(ctx, result.Body, timing);
    }
}
