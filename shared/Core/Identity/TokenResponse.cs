using System.Globalization;
using System.Text.Json;
using Azure.Core;

namespace Gateway.Identity;

/// <summary>
/// Reads the token answers of Entra's token endpoint (<c>expires_in</c> as a number), the managed identity endpoints
/// (<c>expires_on</c> and <c>expires_in</c> as strings of seconds) and the Azure CLI (<c>accessToken</c>, <c>expires_on</c>).
/// </summary>
internal static class TokenResponse
{
    public static AccessToken Parse(ReadOnlySpan<byte> json, TimeProvider time, string source)
    {
        string? token = null;
        long? expiresOn = null, expiresIn = null;
        string? cliExpiresOn = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "access_token" or "accessToken": token = reader.GetString(); break;
                    case "expires_on": expiresOn = Seconds(ref reader); break;
                    case "expires_in": expiresIn = Seconds(ref reader); break;
                    case "expiresOn": cliExpiresOn = reader.GetString(); break;     // older Azure CLI: local time, no zone
                    default: reader.Skip(); break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new IdentityException($"{source} answered with something that is not a token response.", e);
        }
        if (string.IsNullOrEmpty(token)) throw new IdentityException($"{source} answered without an access token.");
        var expires = expiresOn is { } on ? DateTimeOffset.FromUnixTimeSeconds(on)
            : expiresIn is { } inSeconds ? time.GetUtcNow().AddSeconds(inSeconds)
            : cliExpiresOn is not null && DateTime.TryParse(cliExpiresOn, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local) ? new DateTimeOffset(local)
            : throw new IdentityException($"{source} answered without an expiry.");
        return new AccessToken(token, expires);
    }

    private static long? Seconds(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.GetInt64(),
        JsonTokenType.String => long.Parse(reader.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture),
        JsonTokenType.Null => null,
        _ => throw new FormatException(),
    };

    /// <summary>The error description an Entra or identity endpoint sent (never the request, which may hold a secret).</summary>
    public static string Describe(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            foreach (var field in (ReadOnlySpan<string>)["error_description", "message", "error"])
                if (root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String) return v.GetString()!;
        }
        catch (JsonException) { }
        return "no error description";
    }

    /// <summary>A scope such as <c>https://storage.azure.com/.default</c> as the resource the v1 endpoints ask for.</summary>
    public static string Resource(string scope) => scope.EndsWith("/.default", StringComparison.Ordinal) ? scope[..^"/.default".Length] : scope;
}
