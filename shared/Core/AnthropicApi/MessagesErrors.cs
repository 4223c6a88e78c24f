using System.Text.Json;
using Gateway.Http;
using Gateway.Providers.Translation;
using Microsoft.AspNetCore.Http;

namespace Gateway.AnthropicApi;

/// <summary>
/// Errors for <c>/v1/messages</c> callers in Anthropic's shape, <c>{"type":"error","error":{"type","message"}}</c>, with the
/// same status the OpenAI surface would give. An Anthropic upstream's error keeps its own error type; its message is
/// redacted like every upstream message (<see cref="Providers.CredentialRedactor"/>), never forwarded as it came.
/// </summary>
public static class MessagesErrors
{
    public static Task WriteAsync(HttpContext ctx, GatewayException e) => ErrorWriter.WriteAsync(ctx, e, Body(e));

    public static byte[] Body(GatewayException e)
    {
        if (e.UpstreamBody is { } raw && AnthropicType(raw.Span) is { } anthropic) return Body(anthropic, e.Message);
        // Anthropic's shape has no param field; like Anthropic's own errors, the message starts with the field's path.
        var message = e.Param is { Length: > 0 } param && e.UpstreamBody is null && !e.Message.Contains(param, StringComparison.Ordinal)
            ? $"{param}: {e.Message}"
            : e.Message;
        return Body(TypeFor(e), message);
    }

    /// <summary>An Anthropic upstream's mid-stream <c>error</c> event, rewritten with its message redacted.</summary>
    public static byte[] RedactedEventData(ReadOnlySpan<byte> data)
    {
        var (type, message) = Providers.Anthropic.AnthropicErrors.Read(data);
        return Body(type ?? "api_error", Providers.CredentialRedactor.Redact(message) ?? "The upstream stream failed.");
    }

    private static byte[] Body(string type, string message) => JsonBytes.Write((type, message), static (w, e) =>
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteStartObject("error");
        w.WriteString("type", e.type);
        w.WriteString("message", e.message);
        w.WriteEndObject();
        w.WriteEndObject();
    });

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

    /// <summary>The error type of an Anthropic-shaped body (<c>{"type":"error","error":{"type":…}}</c>), redacted; else null.</summary>
    private static string? AnthropicType(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (JsonBytes.String(doc.RootElement, "type") != "error" || !JsonBytes.TryGet(doc.RootElement, "error", JsonValueKind.Object, out var error)) return null;
            return Providers.CredentialRedactor.Redact(JsonBytes.String(error, "type"));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
