using System.Text.Json;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Anthropic;

/// <summary>
/// Anthropic's error shape <c>{"type":"error","error":{"type","message"}}</c> -> the OpenAI shape, keeping the status.
/// <c>overloaded_error</c> (HTTP 529) is retryable like a 5xx. Anthropic's own error type is kept as <c>code</c>.
/// </summary>
public static class AnthropicErrors
{
    /// <summary>Rewrites an upstream error that carries Anthropic's body into OpenAI's shape.</summary>
    public static GatewayException ToOpenAI(GatewayException e)
    {
        if (e.UpstreamBody is not { } body) return e;
        var (type, message) = Read(body.Span);
        if (message is null) return e;
        return UpstreamErrors.Create(e.Status, OpenAIType(type, e.Status), message, type, null, e.RetryAfter, e.Retryable || type == "overloaded_error", body, e.RetryDelay);
    }

    /// <summary>A mid-stream <c>error</c> event's data.</summary>
    public static GatewayException FromEvent(ReadOnlySpan<byte> data)
    {
        var (type, message) = Read(data);
        var status = type switch
        {
            "invalid_request_error" => 400,
            "authentication_error" => 401,
            "permission_error" => 403,
            "not_found_error" => 404,
            "request_too_large" => 413,
            "rate_limit_error" => 429,
            "overloaded_error" => 529,
            "timeout_error" => 504,
            _ => 500,
        };
        return UpstreamErrors.Create(status, OpenAIType(type, status), message ?? "The upstream stream failed.", type ?? "api_error");
    }

    public static (string? Type, string? Message) Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (!JsonBytes.TryGet(doc.RootElement, "error", JsonValueKind.Object, out var error)) return (null, null);
            return (JsonBytes.String(error, "type"), JsonBytes.String(error, "message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string OpenAIType(string? anthropicType, int status) => anthropicType switch
    {
        "invalid_request_error" or "request_too_large" or "not_found_error" => Errors.InvalidRequest,
        "authentication_error" or "permission_error" or "rate_limit_error" => anthropicType,
        "timeout_error" => "timeout",
        _ => UpstreamErrors.TypeFor(status),
    };
}
