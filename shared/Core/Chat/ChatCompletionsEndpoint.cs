using Gateway.Auth;
using Gateway.Config;
using Gateway.Http;
using Gateway.Providers;
using Gateway.Routing;
using Gateway.Streaming;
using Microsoft.AspNetCore.Http;

namespace Gateway.Chat;

/// <summary><c>POST /v1/chat/completions</c>: authenticate, read and check the body, route, call, answer or stream.</summary>
public sealed class ChatCompletionsEndpoint(ModelRouter router, IRequestAuthenticator auth, GatewayConfig config)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        var timing = GatewayRequestFeature.Get(ctx)!;
        var ct = ctx.RequestAborted;
        await auth.AuthenticateAsync(ctx);
        using var body = await RequestBody.ReadAsync(ctx.Request, config.MaxRequestBytes, ct);
        using var request = ChatRequest.Parse(body.Memory);
        var group = router.Resolve(request.Model);

        if (!request.Stream)
        {
            var result = await ModelRouter.RunAsync(group, d => d.Chat.CompleteAsync(new ChatCall(request, d.Config, timing), ct), ct);
            await JsonResponse.WriteAsync(ctx, result.Body, timing);
            return;
        }

        await using var stream = await ModelRouter.RunAsync(group, d => d.Chat.StreamAsync(new ChatCall(request, d.Config, timing), ct), ct);
        await StreamRelay.RelayAsync(ctx, stream, request.ClientWantsUsage, timing);
    }
}
