using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Embeddings;

/// <summary><c>POST /v1/embeddings</c>: the pipeline's embedding call; this class only routes it and answers.</summary>
public sealed class EmbeddingsEndpoint(CallPipeline pipeline)
{
    public Task HandleAsync(HttpContext ctx) => pipeline.RunAsync(ctx, CallKind.Embedding, EmbeddingsRequest.Parse, AnswerAsync);

    private static async Task AnswerAsync(HttpContext ctx, ModelCall call, EmbeddingsRequest request)
    {
        var ct = ctx.RequestAborted;
        if (call.KnownEmbeddings is { } known)
        {
            // Part of the batch is known: only the rest goes upstream, and the answer is put back together in order.
            using var narrowed = EmbeddingsRequest.Parse(known.NarrowedBody(request.Root));
            var part = await EmbedAsync(call, narrowed, ct);
            var merged = known.Merge(part.Body.Span);
            call.Record?.MarkPartlyCached(known.Saved);
            call.Answered(merged);
            await call.CompleteAsync(part.Usage);
            await JsonResponse.WriteAsync(ctx, merged, call.Timing);
            return;
        }
        var result = await EmbedAsync(call, request, ct);
        call.Answered(result.Body);
        await call.CompleteAsync(result.Usage);
        await JsonResponse.WriteAsync(ctx, result.Body, call.Timing);
    }

    private static Task<Providers.UpstreamResult> EmbedAsync(ModelCall call, EmbeddingsRequest request, CancellationToken ct) =>
        call.RouteAsync(d => d.Embeddings is { } e
            ? e.EmbedAsync(new EmbeddingsCall(request, d.Config, call.Timing), ct)
            : throw Errors.BadRequest($"The model '{request.Model}' does not serve embeddings.", "model", "model_not_supported"), ct);
}
