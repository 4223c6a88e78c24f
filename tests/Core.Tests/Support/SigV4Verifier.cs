using System.Security.Cryptography;
using System.Text;

namespace Gateway.Tests.Support;

/// <summary>
/// The test side's own SigV4 (AWS4-HMAC-SHA256) implementation, written from the published algorithm, used to check
/// what the gateway signed. Canonical URI: each segment of the path as sent, URI-encoded once more (non-S3 rule).
/// </summary>
public static class SigV4Verifier
{
    public sealed record Parsed(string AccessKey, string Date, string Region, string Service, string[] SignedHeaders, string Signature);

    public static Parsed ParseAuthorization(string authorization)
    {
        const string prefix = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal)) throw new InvalidOperationException("not AWS4-HMAC-SHA256: " + authorization);
        var parts = authorization[prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var scope = parts["Credential"].Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request") throw new InvalidOperationException("bad credential scope " + parts["Credential"]);
        return new Parsed(scope[0], scope[1], scope[2], scope[3], parts["SignedHeaders"].Split(';'), parts["Signature"]);
    }

    public static string CanonicalUri(string rawPath)
    {
        if (rawPath is "" or "/") return "/";
        return string.Join('/', rawPath.Split('/').Select(Encode));
    }

    public static string CanonicalQuery(string rawQuery)
    {
        var q = rawQuery.TrimStart('?');
        if (q.Length == 0) return "";
        return string.Join('&', q.Split('&')
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Encode(Uri.UnescapeDataString(p[0])), Value: Encode(Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ as %XX (uppercase).</summary>
    public static string Encode(string s)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
                sb.Append((char)b);
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }

    public static string CanonicalRequest(string method, string rawPath, string rawQuery, IReadOnlyDictionary<string, string> headers, string[] signedHeaders, string payloadHash)
    {
        var sb = new StringBuilder();
        sb.Append(method).Append('\n').Append(CanonicalUri(rawPath)).Append('\n').Append(CanonicalQuery(rawQuery)).Append('\n');
        foreach (var name in signedHeaders)
        {
            var value = headers.First(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
            sb.Append(name).Append(':').Append(string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        }
        sb.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    public static string Signature(string secretKey, string date, string region, string service, string stringToSign)
    {
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static string PayloadHash(byte[] body) => Hex(SHA256.HashData(body));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    /// <summary>
    /// Checks a received request end to end; returns null when valid, else what is wrong. Requires host,
    /// x-amz-date, x-amz-content-sha256 (matching the body) and, when a token is expected, x-amz-security-token signed.
    /// </summary>
    public static string? Verify(string method, string rawPath, string rawQuery, IReadOnlyDictionary<string, string> headers, byte[] body,
        string accessKey, string secretKey, string region, string service, string? sessionToken)
    {
        if (!headers.TryGetValue("authorization", out var auth)) return "no Authorization header";
        var p = ParseAuthorization(auth);
        if (p.AccessKey != accessKey) return $"signed with access key {p.AccessKey}, expected {accessKey}";
        if (p.Region != region || p.Service != service) return $"scope {p.Region}/{p.Service}, expected {region}/{service}";
        if (!headers.TryGetValue("x-amz-date", out var amzDate)) return "no x-amz-date";
        if (!amzDate.StartsWith(p.Date, StringComparison.Ordinal)) return "x-amz-date does not match the scope date";
        foreach (var required in new[] { "host", "x-amz-date" })
            if (!p.SignedHeaders.Contains(required)) return $"{required} is not signed";
        var payloadHash = PayloadHash(body);
        if (headers.TryGetValue("x-amz-content-sha256", out var declared) && declared != payloadHash) return "x-amz-content-sha256 does not match the body";
        if (sessionToken is not null)
        {
            if (!headers.TryGetValue("x-amz-security-token", out var token) || token != sessionToken) return "x-amz-security-token missing or wrong";
            if (!p.SignedHeaders.Contains("x-amz-security-token")) return "x-amz-security-token is not signed";
        }
        var canonical = CanonicalRequest(method, rawPath, rawQuery, headers, p.SignedHeaders, payloadHash);
        var scope = $"{p.Date}/{region}/{service}/aws4_request";
        var expected = Signature(secretKey, p.Date, region, service, StringToSign(amzDate, scope, canonical));
        return expected == p.Signature ? null : $"signature mismatch; canonical request was:\n{canonical}";
    }
}
