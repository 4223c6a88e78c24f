using System.Text.RegularExpressions;

namespace Gateway.Providers;

/// <summary>
/// Removes credential-like text from what an upstream said before any of it reaches the gateway's own clients.
/// Providers echo keys (even masked: <c>Incorrect API key provided: sk-proj-****abcd</c>), organisation and project ids,
/// and bearer tokens in their error messages; a gateway client must learn none of the gateway's upstream identity.
/// Every provider's error mapping goes through this one redactor.
/// </summary>
public static partial class CredentialRedactor
{
    public const string Mark = "[redacted]";

    /// <summary>The text with each credential-like substring replaced by <see cref="Mark"/>; null stays null.</summary>
    public static string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var s = LabelledSecret().Replace(text, m => m.Groups["label"].Value + Mark);
        s = Bearer().Replace(s, m => m.Groups["scheme"].Value + " " + Mark);
        s = KnownShapes().Replace(s, Mark);
        return s;
    }

    // Keys and ids recognisable by their own shape, masked forms (with '*' or '.') included:
    // OpenAI-style sk-/sk_ keys (sk-proj-…, sk-ant-…), Google AIza… keys, AWS access key ids (AKIA…/ASIA…),
    // OpenAI org-… and proj_… ids, JWTs, and 32+ character hex runs (Azure keys, hashes). A sentence's final '.' stays.
    [GeneratedRegex(
        @"(?<![A-Za-z0-9_])(?:sk[-_][A-Za-z0-9*._\-]{3,}|AIza[A-Za-z0-9_\-*]{6,}|A(?:KIA|SIA)[A-Z0-9*]{8,}|org-[A-Za-z0-9*]{4,}|proj_[A-Za-z0-9*]{4,}|eyJ[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-.]+|[0-9a-fA-F]{32,})(?<!\.)",
        RegexOptions.CultureInvariant)]
    private static partial Regex KnownShapes();

    // "Authorization: Bearer xyz", "bearer token xyz": the scheme stays, the token goes.
    [GeneratedRegex(@"(?<scheme>\b[Bb]earer)(?:\s+token)?\s+[A-Za-z0-9._~+/\-=*]{6,}", RegexOptions.CultureInvariant)]
    private static partial Regex Bearer();

    // A value after a key-ish label: "api_key=abc123…", "x-api-key: …", "key 'abc…'", "secret: …", "token=…".
    // The value must look like a token (8+ characters, no spaces, a digit or '*' in it) so prose after "key" is kept.
    [GeneratedRegex(
        @"(?<label>\b(?:x-api-key|api[-_ ]?key|access[-_ ]?key(?:[-_ ]?id)?|secret(?:[-_ ]?(?:access[-_ ]?)?key)?|subscription[-_ ]?key|session[-_ ]?token|token|key|password)(?:\s+provided)?(?:\s*[:=]\s*|\s+)[""'`]?)(?=[A-Za-z+/._\-]*[0-9*])[A-Za-z0-9*+/._\-]{8,}=*(?<!\.)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex LabelledSecret();
}
