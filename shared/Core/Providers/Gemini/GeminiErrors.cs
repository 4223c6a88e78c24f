using System.Text.Json;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Gemini;

/// <summary>
/// Google's error shape <c>{"error":{"code","message","status"}}</c> -> the OpenAI shape with the same HTTP status;
/// Google's <c>status</c> (e.g. <c>RESOURCE_EXHAUSTED</c>) is kept as <c>code</c>.
/// </summary>
public static class GeminiErrors
{
    public static GatewayException ToOpenAI(GatewayException e)
    {
        if (e.UpstreamBody is not { } body) return e;
        var (status, message, code) = Read(body.Span);
        if (message is null) return e;
        return UpstreamErrors.Create(e.Status, UpstreamErrors.TypeFor(e.Status), message, code ?? status?.ToString(), null, e.RetryAfter, e.Retryable, retryDelay: e.RetryDelay);
    }

    /// <summary>An error object inside a stream event.</summary>
    public static GatewayException FromEvent(JsonElement error)
    {
        var status = JsonBytes.Int(error, "code") is > 0 and var c ? c : 500;
        return UpstreamErrors.Create(status, UpstreamErrors.TypeFor(status), JsonBytes.String(error, "message") ?? "The upstream stream failed.", JsonBytes.String(error, "status"));
    }

    private static (int? Code, string? Message, string? Status) Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            // Some Google endpoints wrap the error in a one-element array.
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0) root = root[0];
            if (!JsonBytes.TryGet(root, "error", JsonValueKind.Object, out var error)) return (null, null, null);
            return (JsonBytes.Int(error, "code"), JsonBytes.String(error, "message"), JsonBytes.String(error, "status"));
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }
}
