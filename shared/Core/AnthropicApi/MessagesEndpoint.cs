using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Providers;
using Gateway.Providers.Anthropic;
using Gateway.Providers.OpenAI;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.AnthropicApi;

/// <summary>
/// <c>POST /v1/messages</c> and <c>/v1/messages/count_tokens</c>: Anthropic's Messages API in front of any model.
/// Anthropic deployments get the request untouched except for the model name; every other provider gets it translated
/// to the OpenAI form, and its answer (or stream) is translated back into Anthropic's format. Errors use Anthropic's shape.
/// </summary>
public sealed class MessagesEndpoint(CallPipeline pipeline)
{
    public Task HandleAsync(HttpContext ctx) => InAnthropicShapeAsync(ctx, pipeline.RunAsync(ctx, CallKind.AnthropicMessages, AnthropicRequest.ParseMessages, AnswerAsync));

    public Task CountTokensAsync(HttpContext ctx) => InAnthropicShapeAsync(ctx, pipeline.RunAsync(ctx, CallKind.CountTokens, AnthropicRequest.ParseCount, CountAsync));

    /// <summary>Errors before the response starts are answered in Anthropic's error shape.</summary>
    private static async Task InAnthropicShapeAsync(HttpContext ctx, Task call)
    {
        try
        {
            await call;
        }
        catch (GatewayException e) when (!ctx.Response.HasStarted)
        {
            await MessagesErrors.WriteAsync(ctx, e);
        }
    }

    private static async Task CountAsync(HttpContext ctx, ModelCall call, AnthropicRequest request)
    {
        var ct = ctx.RequestAborted;
        var root = request.Root;
        var body = await call.RouteAsync(async d =>
        {
            if (d.Chat is IAnthropicMessagesUpstream anthropic)
                return await anthropic.SendMessagesAsync(Renamed(root, anthropic), "/messages/count_tokens", Beta(ctx, d), call.Timing, ct);
            return JsonSerializerFree.InputTokens(TokenEstimate.InputTokens(root));
        }, ct);
        await call.CompleteAsync(null);
        await JsonResponse.WriteAsync(ctx, body, call.Timing);
    }

    private static async Task AnswerAsync(HttpContext ctx, ModelCall call, AnthropicRequest request)
    {
        var ct = ctx.RequestAborted;
        var root = request.Root;
        var model = request.Model;
        var timing = call.Timing;

        if (!request.Stream)
        {
            var (body, usage) = await call.RouteAsync(async d =>
            {
                if (d.Chat is IAnthropicMessagesUpstream anthropic)
                {
                    var raw = await anthropic.SendMessagesAsync(Renamed(root, anthropic), "/messages", Beta(ctx, d), timing, ct);
                    return (raw, AnthropicUsage.FromMessage(raw));
                }
                using var translated = ChatRequest.ParseTranslated(MessagesToOpenAI.Write(root, stream: false, d.Chat is OpenAIFamilyProvider));
                var result = await d.Chat.CompleteAsync(new ChatCall(translated, d.Config, timing), ct);
                return (OpenAIToMessages.Write(result.Body, model, d.Config.Label), result.Usage);
            }, ct);
            call.Answered(body);
            await call.CompleteAsync(usage);
            await JsonResponse.WriteAsync(ctx, body, timing);
            return;
        }

        await using var events = await call.RouteAsync<MessagesEventSource>(async d =>
        {
            if (d.Chat is IAnthropicMessagesUpstream anthropic)
                return call.Limited(new PassthroughEvents(await anthropic.StreamMessagesAsync(Renamed(root, anthropic), Beta(ctx, d), timing, ct)));
            var translated = ChatRequest.ParseTranslated(MessagesToOpenAI.Write(root, stream: true, d.Chat is OpenAIFamilyProvider));
            try
            {
                return new TranslatedEvents(call.Limited(await d.Chat.StreamAsync(new ChatCall(translated, d.Config, timing), ct)), translated, model);
            }
            catch
            {
                translated.Dispose();
                throw;
            }
        }, ct);
        call.Progress.Accept();
        var outcome = await MessagesRelay.RelayAsync(ctx, events, timing, call.Progress, () => call.CompleteAsync(events.Usage));
        if (!outcome.Completed) await call.FailAsync(outcome.Error ?? Errors.ClientClosed(), events.Usage);
    }

    /// <summary>
    /// The client's <c>anthropic-beta</c> header switches on paid upstream features (1M context, ...), so it reaches
    /// the upstream only for model groups the config lets forward client headers
    /// (<c>litellm_settings.model_group_settings.forward_client_headers_to_llm_api</c>).
    /// </summary>
    private static string? Beta(HttpContext ctx, Deployment d) =>
        d.Config.ForwardClientHeaders && ctx.Request.Headers.TryGetValue("anthropic-beta", out var b) && b.Count > 0 ? b.ToString() : null;

    private static byte[] Renamed(JsonElement root, IAnthropicMessagesUpstream upstream) =>
        OpenAIRequestWriter.Write(root, JsonEncodedText.Encode(upstream.UpstreamModel, JavaScriptEncoder.UnsafeRelaxedJsonEscaping), forceStreamUsage: false);

    private static class JsonSerializerFree
    {
        public static byte[] InputTokens(int n) => System.Text.Encoding.UTF8.GetBytes($"{{\"input_tokens\":{n}}}");
    }
}
