using System.Text.Json;
using Gateway.Http;
using Gateway.Providers.Translation;
using Microsoft.AspNetCore.Http;

namespace Gateway.AnthropicApi;

/// <summary>
/// Errors for <c>/v1/messages</c> callers in Anthropic's shape, <c>{"type":"error","error":{"type","message"}}</c>, with the
/// same status the OpenAI surface would give. An Anthropic upstream's own error body is forwarded unchanged.
/// </summary>
public static class MessagesErrors
{
    public static Task WriteAsync(HttpContext ctx, GatewayException e) => ErrorWriter.WriteAsync(ctx, e, Body(e));

    public static byte[] Body(GatewayException e)
    {
        if (e.UpstreamBody is { } raw && IsAnthropicShaped(raw.Span)) return raw.ToArray();
        return JsonBytes.Write(e, static (w, e) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "error");
            w.WriteStartObject("error");
            w.WriteString("type", TypeFor(e));
            w.WriteString("message", e.Message);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>The error as an Anthropic <c>error</c> stream event, for failures after the stream has started.</summary>
    public static byte[] SseEvent(GatewayException e) => MessagesEventWriter.SseEvent("error"u8, Body(e));

    public static string TypeFor(GatewayException e) => e.Status switch
    {
        400 or 422 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        504 => "timeout_error",
        _ => "api_error",
    };

    private static bool IsAnthropicShaped(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            return JsonBytes.String(doc.RootElement, "type") == "error" && JsonBytes.TryGet(doc.RootElement, "error", JsonValueKind.Object, out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
