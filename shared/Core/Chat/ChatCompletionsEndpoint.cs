using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Providers;
using Gateway.Routing;
using Gateway.Streaming;
using Microsoft.AspNetCore.Http;

namespace Gateway.Chat;

/// <summary><c>POST /v1/chat/completions</c>: the pipeline's chat call; this class only routes it and answers or streams.</summary>
public sealed class ChatCompletionsEndpoint(CallPipeline pipeline)
{
    public Task HandleAsync(HttpContext ctx) => pipeline.RunAsync(ctx, CallKind.ChatCompletion, ChatRequest.Parse, AnswerAsync);

    private static async Task AnswerAsync(HttpContext ctx, ModelCall call, ChatRequest request)
    {
        var ct = ctx.RequestAborted;
        var timing = call.Timing;
        if (!request.Stream)
        {
            var result = await call.RouteAsync(d => d.Chat.CompleteAsync(new ChatCall(request, d.Config, timing), ct), ct);
            call.Answered(result.Body);
            await call.CompleteAsync(result.Usage);
            await JsonResponse.WriteAsync(ctx, result.Body, timing);
            return;
        }

        await using var stream = call.Limited(await call.RouteAsync(d => d.Chat.StreamAsync(new ChatCall(request, d.Config, timing), ct), ct));
        call.Progress.Accept();
        var outcome = await StreamRelay.RelayAsync(ctx, stream, request.ClientWantsUsage, timing, call.Progress,
            u => call.CompleteAsync(u), u => call.Record!.Price(u).Total);
        // Broken off (upstream error, timeout, or the client left): book what was used before it broke.
        if (!outcome.Completed) await call.FailAsync(outcome.Error ?? Errors.ClientClosed(), outcome.Usage);
    }
}
