using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Http;

namespace Gateway.Providers;

/// <summary>Maps what an upstream said or did wrong to the error the client sees, keeping status and body faithful.</summary>
public static class UpstreamErrors
{
    public static bool IsRetryableStatus(int status) => status is 408 or 429 or >= 500;

    /// <summary>An upstream's non-2xx answer. An OpenAI-shaped body is forwarded unchanged; anything else is wrapped.</summary>
    public static GatewayException FromResponse(HttpResponseMessage response, ReadOnlyMemory<byte> body, string deployment)
    {
        var status = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter?.ToString();
        if (TryReadOpenAIError(body.Span, out var message, out var type, out var code))
            return new GatewayException(status, type ?? TypeFor(status), message ?? $"Upstream error {status}", code)
            {
                UpstreamBody = body,
                RetryAfter = retryAfter,
                Retryable = IsRetryableStatus(status),
            };
        var text = Encoding.UTF8.GetString(body.Span[..Math.Min(body.Length, 500)]).Trim();
        var reason = string.IsNullOrEmpty(text) ? response.ReasonPhrase ?? ((HttpStatusCode)status).ToString() : text;
        return new GatewayException(status, TypeFor(status), $"The upstream for {deployment} answered HTTP {status}: {reason}", $"upstream_{status}")
        {
            RetryAfter = retryAfter,
            Retryable = IsRetryableStatus(status),
        };
    }

    /// <summary>Reads <c>{"error":{"message","type","code"}}</c>; also accepts <c>{"error":"text"}</c> as some servers send.</summary>
    public static bool TryReadOpenAIError(ReadOnlySpan<byte> body, out string? message, out string? type, out string? code)
    {
        message = type = code = null;
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
                    message = reader.GetString();
                    return true;
                }
                if (reader.TokenType != JsonTokenType.StartObject) return false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = reader.ValueTextEquals("message"u8) ? 1 : reader.ValueTextEquals("type"u8) ? 2 : reader.ValueTextEquals("code"u8) ? 3 : 0;
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
                }
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
