using System.Text;
using System.Text.Json;
using Gateway.Http;

namespace Gateway.Providers.Bedrock;

/// <summary>Bedrock's exception and error frames as OpenAI-style errors with the status a client expects.</summary>
public static class BedrockErrors
{
    /// <summary>An <c>:message-type exception</c> frame: the type names the failure, the payload carries <c>message</c>.</summary>
    public static GatewayException FromException(ReadOnlySpan<byte> exceptionType, ReadOnlySpan<byte> payload, string label)
    {
        var type = Encoding.UTF8.GetString(exceptionType);
        var status = StatusFor(type);
        var message = MessageOf(payload) ?? type;
        return UpstreamErrors.Create(status, UpstreamErrors.TypeFor(status), $"Bedrock {type} for {label}: {message}", type);
    }

    /// <summary>An <c>:message-type error</c> frame, with <c>:error-code</c> and <c>:error-message</c> headers.</summary>
    public static GatewayException FromError(ReadOnlySpan<byte> code, ReadOnlySpan<byte> message, string label)
    {
        var c = Encoding.UTF8.GetString(code);
        var status = StatusFor(c);
        return UpstreamErrors.Create(status, UpstreamErrors.TypeFor(status), $"Bedrock error {c} for {label}: {Encoding.UTF8.GetString(message)}", c.Length == 0 ? "upstream_error" : c);
    }

    public static int StatusFor(string type) => type.ToLowerInvariant() switch
    {
        "throttlingexception" or "toomanyrequestsexception" => 429,
        "serviceunavailableexception" => 503,
        "validationexception" => 400,
        "accessdeniedexception" => 403,
        "resourcenotfoundexception" => 404,
        "modeltimeoutexception" => 504,
        "modelstreamerrorexception" => 502,
        _ => 500, // internalServerException and anything new
    };

    private static string? MessageOf(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMessage = reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("Message"u8);
                reader.Read();
                if (isMessage && reader.TokenType == JsonTokenType.String) return reader.GetString();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
