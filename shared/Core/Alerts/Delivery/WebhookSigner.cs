using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Alerts.Delivery;

/// <summary>
/// Signs a webhook body so the receiver can check it came from this gateway and is fresh:
/// <c>x-gateway-timestamp</c> is the Unix time in seconds, and <c>x-gateway-signature</c> is <c>v1=</c> and the hex
/// HMAC-SHA256, keyed by the signing secret, of the timestamp, a dot, and the body bytes. A receiver recomputes it,
/// compares in constant time, and refuses timestamps older than its tolerance (a replay).
/// </summary>
public static class WebhookSigner
{
    public const string SignatureHeader = "x-gateway-signature";
    public const string TimestampHeader = "x-gateway-timestamp";
    public const string Version = "v1=";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Version + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>What a receiver does: true when the signature matches and the timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var ts) || signatureHeader is null) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - ts) > tolerance.TotalSeconds) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, ts, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signatureHeader));
    }
}
