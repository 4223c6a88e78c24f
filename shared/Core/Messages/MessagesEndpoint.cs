using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Providers;
using Gateway.Providers.Anthropic;
using Gateway.Providers.OpenAI;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Messages;

/// <summary>
/// <c>POST /v1/messages</c> and <c>/v1/messages/count_tokens</c>: Anthropic's Messages API in front of any model.
/// Anthropic deployments get the request untouched except for the model name; every other provider gets it translated
/// to the OpenAI form, and its answer (or stream) is translated back into Anthropic's format. Errors use Anthropic's shape.
/// </summary>
public sealed class MessagesEndpoint(ModelRouter router, ApiRequest.Reader reader)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            await RunAsync(ctx);
        }
        catch (GatewayException e) when (!ctx.Response.HasStarted)
        {
            await MessagesErrors.WriteAsync(ctx, e);
        }
    }

    public async Task CountTokensAsync(HttpContext ctx)
    {
        try
        {
            var ct = ctx.RequestAborted;
            using var api = await reader.ReadAsync(ctx);
            api.Call.NotBillable();
            using var doc = RequestJson.Parse(api.Body.Memory);
            var root = doc.RootElement;
            var model = RequestJson.RequiredString(root, "model", "the name of a model served by this gateway");
            var group = router.Resolve(model);
            var body = await ModelRouter.RunAsync(group, async d =>
            {
                if (d.Chat is IAnthropicMessagesUpstream anthropic)
                    return await anthropic.SendMessagesAsync(Renamed(root, anthropic), "/messages/count_tokens", Beta(ctx), api.Timing, ct);
                return JsonSerializerFree.InputTokens(TokenEstimate.InputTokens(root));
            }, ct);
            await JsonResponse.WriteAsync(ctx, body, api.Timing);
        }
        catch (GatewayException e) when (!ctx.Response.HasStarted)
        {
            await MessagesErrors.WriteAsync(ctx, e);
        }
    }

    private async Task RunAsync(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        using var api = await reader.ReadAsync(ctx);
        using var doc = RequestJson.Parse(api.Body.Memory);
        var root = doc.RootElement;
        var model = RequestJson.RequiredString(root, "model", "the name of a model served by this gateway");
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            throw Errors.MissingField("messages", "an array of messages");
        if (RequestJson.OptionalInt(root, "max_tokens", min: 1) is null) throw Errors.MissingField("max_tokens", "the most tokens to generate");
        var stream = RequestJson.OptionalBool(root, "stream") ?? false;
        api.Call.Describe(model, stream);
        var group = router.Resolve(model);
        var timing = api.Timing;
        var beta = Beta(ctx);

        if (!stream)
        {
            var (body, usage) = await ModelRouter.RunAsync(group, async d =>
            {
                if (d.Chat is IAnthropicMessagesUpstream anthropic)
                {
                    var raw = await anthropic.SendMessagesAsync(Renamed(root, anthropic), "/messages", beta, timing, ct);
                    return (raw, AnthropicUsage.FromMessage(raw));
                }
                using var request = ChatRequest.Parse(MessagesToOpenAI.Write(root, stream: false, d.Chat is OpenAIFamilyProvider));
                var result = await d.Chat.CompleteAsync(new ChatCall(request, d.Config, timing), ct);
                return (OpenAIToMessages.Write(result.Body, model, d.Config.Label), result.Usage);
            }, ct, api.Call);
            api.Call.ResponseBody = body;
            await api.CompleteAsync(usage);
            await JsonResponse.WriteAsync(ctx, body, timing);
            return;
        }

        await using var events = await ModelRouter.RunAsync<MessagesEventSource>(group, async d =>
        {
            if (d.Chat is IAnthropicMessagesUpstream anthropic)
                return new PassthroughEvents(await anthropic.StreamMessagesAsync(Renamed(root, anthropic), beta, timing, ct));
            var request = ChatRequest.Parse(MessagesToOpenAI.Write(root, stream: true, d.Chat is OpenAIFamilyProvider));
            try
            {
                return new TranslatedEvents(await d.Chat.StreamAsync(new ChatCall(request, d.Config, timing), ct), request, model);
            }
            catch
            {
                request.Dispose();
                throw;
            }
        }, ct, api.Call);
        var outcome = await MessagesRelay.RelayAsync(ctx, events, timing, () => api.CompleteAsync(events.Usage));
        if (!outcome.Completed) await api.CompleteAsync(events.Usage, outcome.Error ?? Errors.ClientClosed());
    }

    private static string? Beta(HttpContext ctx) => ctx.Request.Headers.TryGetValue("anthropic-beta", out var b) && b.Count > 0 ? b.ToString() : null;

    private static byte[] Renamed(JsonElement root, IAnthropicMessagesUpstream upstream) =>
        OpenAIRequestWriter.Write(root, JsonEncodedText.Encode(upstream.UpstreamModel, JavaScriptEncoder.UnsafeRelaxedJsonEscaping), forceStreamUsage: false);

    private static class JsonSerializerFree
    {
        public static byte[] InputTokens(int n) => System.Text.Encoding.UTF8.GetBytes($"{{\"input_tokens\":{n}}}");
    }
}
