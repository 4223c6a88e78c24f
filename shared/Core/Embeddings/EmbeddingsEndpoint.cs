using Gateway.Http;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Embeddings;

/// <summary><c>POST /v1/embeddings</c>.</summary>
public sealed class EmbeddingsEndpoint(ModelRouter router, ApiRequest.Reader reader)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        using var api = await reader.ReadAsync(ctx);
        using var request = EmbeddingsRequest.Parse(api.Body.Memory);
        api.Call.Describe(request.Model, stream: false);
        var group = router.Resolve(request.Model);
        var result = await ModelRouter.RunAsync(group, d => d.Embeddings is { } e
            ? e.EmbedAsync(new EmbeddingsCall(request, d.Config, api.Timing), ct)
            : throw Errors.BadRequest($"The model '{request.Model}' does not serve embeddings.", "model", "model_not_supported"), ct, api.Call);
        await api.CompleteAsync(result.Usage);
        await JsonResponse.WriteAsync(ctx, result.Body, api.Timing);
    }
}
