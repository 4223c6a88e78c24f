using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Http;

namespace Gateway.Providers;

/// <summary>
/// Maps what an upstream said to the error the client sees, in the gateway's own shape
/// <c>{"error":{"message","type","param","code"}}</c>: status, type, code and param are kept; the message is passed through
/// <see cref="CredentialRedactor"/>. An upstream's body is never forwarded as it came, since it can carry the gateway's
/// own (masked) provider key, organisation or project ids.
/// </summary>
public static class UpstreamErrors
{
    public static bool IsRetryableStatus(int status) => status is 408 or 429 or >= 500;

    /// <summary>How much of an error body is read: enough for any provider's error JSON, and no more.</summary>
    public const int MaxErrorBodyBytes = 8 * 1024;

    /// <summary>
    /// An upstream's non-2xx answer. An OpenAI-shaped body keeps its type, code and param; anything else is wrapped.
    /// The raw body stays on <see cref="GatewayException.UpstreamBody"/> for provider translators to read, never for a client.
    /// </summary>
    public static GatewayException FromResponse(HttpResponseMessage response, ReadOnlyMemory<byte> body, string deployment)
    {
        var status = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter?.ToString();
        var delay = RetryDelayOf(response);
        if (TryReadOpenAIError(body.Span, out var error))
            return Create(status, error.Type ?? TypeFor(status), error.Message ?? $"Upstream error {status}", error.Code, error.Param,
                retryAfter, IsRetryableStatus(status), body, delay);
        var text = Encoding.UTF8.GetString(body.Span[..Math.Min(body.Length, 500)]).Trim();
        var reason = string.IsNullOrEmpty(text) ? response.ReasonPhrase ?? ((HttpStatusCode)status).ToString() : text;
        return Create(status, TypeFor(status), $"The upstream for {deployment} answered HTTP {status}: {reason}", $"upstream_{status}", null,
            retryAfter, IsRetryableStatus(status), body, delay);
    }

    /// <summary>The upstream's own wait: <c>retry-after-ms</c> (OpenAI, Azure) first, else <c>Retry-After</c> in seconds or as a date.</summary>
    public static TimeSpan? RetryDelayOf(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var m) && m >= 0)
            return TimeSpan.FromMilliseconds(m);
        if (response.Headers.RetryAfter is not { } ra) return null;
        if (ra.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (ra.Date is { } date) return date - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
        return null;
    }

    /// <summary>
    /// The one way an error built from upstream text is made: the message, code and param are redacted. Every provider's
    /// error mapping (OpenAI, Anthropic, Gemini, Bedrock, mid-stream events) calls this.
    /// </summary>
    public static GatewayException Create(int status, string type, string message, string? code = null, string? param = null,
        string? retryAfter = null, bool? retryable = null, ReadOnlyMemory<byte>? upstreamBody = null, TimeSpan? retryDelay = null) =>
        new(status, CredentialRedactor.Redact(type)!, CredentialRedactor.Redact(message)!, CredentialRedactor.Redact(code), CredentialRedactor.Redact(param))
        {
            RetryAfter = retryAfter,
            Retryable = retryable ?? IsRetryableStatus(status),
            UpstreamBody = upstreamBody,
            RetryDelay = retryDelay,
        };

    /// <summary>Reads <c>{"error":{"message","type","code","param"}}</c>; also accepts <c>{"error":"text"}</c> as some servers send.</summary>
    public static bool TryReadOpenAIError(ReadOnlySpan<byte> body, out UpstreamErrorFields error)
    {
        error = default;
        if (body.IsEmpty || body.IndexOf("\"error\""u8) < 0) return false;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    error = new UpstreamErrorFields(reader.GetString(), null, null, null);
                    return true;
                }
                if (reader.TokenType != JsonTokenType.StartObject) return false;
                string? message = null, type = null, code = null, param = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = reader.ValueTextEquals("message"u8) ? 1 : reader.ValueTextEquals("type"u8) ? 2 : reader.ValueTextEquals("code"u8) ? 3 : reader.ValueTextEquals("param"u8) ? 4 : 0;
                    reader.Read();
                    var value = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                        _ => null,
                    };
                    reader.Skip();
                    if (field == 1) message = value;
                    else if (field == 2) type = value;
                    else if (field == 3) code = value;
                    else if (field == 4) param = value;
                }
                error = new UpstreamErrorFields(message, type, code, param);
                return true;
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }

    public static string TypeFor(int status) => status switch
    {
        400 or 404 or 409 or 413 or 422 => Errors.InvalidRequest,
        401 => "authentication_error",
        403 => "permission_error",
        408 or 504 => "timeout",
        429 => "rate_limit_error",
        _ => "api_error",
    };
}

/// <summary>The fields of an OpenAI-shaped upstream error, as the upstream wrote them (not yet redacted).</summary>
public readonly record struct UpstreamErrorFields(string? Message, string? Type, string? Code, string? Param);
