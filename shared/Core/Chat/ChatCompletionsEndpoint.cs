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
        api.Call.Describe(request.Model, request.Stream, request.User, request.Tags);
        var group = router.Resolve(request.Model);
        var timing = api.Timing;

        if (!request.Stream)
        {
            var result = await ModelRouter.RunAsync(group, d => d.Chat.CompleteAsync(new ChatCall(request, d.Config, timing), ct), ct, api.Call);
            api.Call.ResponseBody = result.Body;
            await api.CompleteAsync(result.Usage);
            await JsonResponse.WriteAsync(ctx, result.Body, timing);
            return;
        }

        await using var stream = await ModelRouter.RunAsync(group, d => d.Chat.StreamAsync(new ChatCall(request, d.Config, timing), ct), ct, api.Call);
        var outcome = await StreamRelay.RelayAsync(ctx, stream, request.ClientWantsUsage, timing, u => api.CompleteAsync(u), u => api.Call.Price(u).Total);
        // Broken off (upstream error, timeout, or the client left): book what was used before it broke.
        if (!outcome.Completed) await api.CompleteAsync(outcome.Usage, outcome.Error ?? Errors.ClientClosed());
    }
}
