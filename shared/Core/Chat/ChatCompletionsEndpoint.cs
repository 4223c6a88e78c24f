using Gateway.Http;
using Gateway.Providers;
using Gateway.Routing;
using Gateway.Streaming;
using Microsoft.AspNetCore.Http;

namespace Gateway.Chat;

/// <summary><c>POST /v1/chat/completions</c>: authenticate, read and check the body, route, call, answer or stream.</summary>
public sealed class ChatCompletionsEndpoint(ModelRouter router, ApiRequest.Reader reader)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        using var api = await reader.ReadAsync(ctx);
        using var request = ChatRequest.Parse(api.Body.Memory);
        var group = router.Resolve(request.Model);
        var timing = api.Timing;

        if (!request.Stream)
        {
            var result = await ModelRouter.RunAsync(group, d => d.Chat.CompleteAsync(new ChatCall(request, d.Config, timing), ct), ct);
            await api.SettleAsync(result.Usage);
            await JsonResponse.WriteAsync(ctx, result.Body, timing);
            return;
        }

        await using var stream = await ModelRouter.RunAsync(group, d => d.Chat.StreamAsync(new ChatCall(request, d.Config, timing), ct), ct);
        var outcome = await StreamRelay.RelayAsync(ctx, stream, request.ClientWantsUsage, timing, api.SettleAsync);
        if (!outcome.Completed) await api.SettleAsync(outcome.Usage); // broken off: book what was used before it broke
    }
}
