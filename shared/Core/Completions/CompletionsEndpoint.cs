using Gateway.Chat;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Providers;
using Gateway.Providers.OpenAI;
using Gateway.Responses;
using Gateway.Routing;
using Gateway.Streaming;
using Microsoft.AspNetCore.Http;

namespace Gateway.Completions;

/// <summary>
/// <c>POST /v1/completions</c> (legacy text completions): passed through to OpenAI-format deployments, bridged to chat
/// for the others, streamed as <c>text_completion</c> chunks either way.
/// </summary>
public sealed class CompletionsEndpoint(CallPipeline pipeline)
{
    public Task HandleAsync(HttpContext ctx) => pipeline.RunAsync(ctx, CallKind.TextCompletion, CompletionsRequest.Parse, AnswerAsync);

    private static async Task AnswerAsync(HttpContext ctx, ModelCall call, CompletionsRequest request)
    {
        var ct = ctx.RequestAborted;
        var timing = call.Timing;
        if (!request.Stream)
        {
            var result = await call.RouteAsync(d => CompleteAsync(d, request, timing, ct), ct);
            call.Answered(result.Body);
            await call.CompleteAsync(result.Usage);
            await JsonResponse.WriteAsync(ctx, result.Body, timing);
            return;
        }
        await using var stream = call.Limited(await call.RouteAsync(d => StreamAsync(d, request, timing, ct), ct));
        call.Progress.Accept();
        var outcome = await StreamRelay.RelayAsync(ctx, stream, request.ClientWantsUsage, timing, call.Progress,
            u => call.CompleteAsync(u), u => call.Record!.Price(u).Total);
        if (!outcome.Completed) await call.FailAsync(outcome.Error ?? Errors.ClientClosed(), outcome.Usage);
    }

    private static async Task<UpstreamResult> CompleteAsync(Deployment d, CompletionsRequest request, GatewayRequestFeature timing, CancellationToken ct)
    {
        if (NativeRoute.For(d, NativeRoute.Completions) is { } native)
        {
            var body = await native.SendAsync(HttpMethod.Post, "/completions", request.Root, timing, ct);
            return new UpstreamResult(body, UsageReader.Read(body).Usage ?? TokenUsage.None);
        }
        using var chat = ChatRequest.ParseTranslated(CompletionsToChat.Write(request.Root, stream: false));
        var result = await d.Chat.CompleteAsync(new ChatCall(chat, d.Config, timing), ct);
        return result with { Body = TextCompletionShapes.FromChat(result.Body.Span, d.Config.Label) };
    }

    private static async Task<ChatStream> StreamAsync(Deployment d, CompletionsRequest request, GatewayRequestFeature timing, CancellationToken ct)
    {
        if (NativeRoute.For(d, NativeRoute.Completions) is { } native)
            return new OpenAIChatStream(await native.StreamAsync("/completions", request.Root, forceStreamUsage: true, timing, ct));
        var chat = ChatRequest.ParseTranslated(CompletionsToChat.Write(request.Root, stream: true));
        try
        {
            return new TextCompletionStream(await d.Chat.StreamAsync(new ChatCall(chat, d.Config, timing), ct), chat, d.Config.Label);
        }
        catch
        {
            chat.Dispose();
            throw;
        }
    }
}
