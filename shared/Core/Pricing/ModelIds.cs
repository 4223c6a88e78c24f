namespace Gateway.Pricing;

/// <summary>
/// Turns the model ids clients, configs and providers use into the keys of the price table: lower case, without
/// provider routing prefixes (<c>openai/</c>, <c>bedrock/converse/</c>, ...), Bedrock ARNs or cross-region inference
/// profile prefixes (<c>us.</c>, <c>eu.</c>, <c>apac.</c>, <c>global.</c>, ...).
/// </summary>
public static class ModelIds
{
    private static readonly string[] RoutePrefixes =
        ["openai/", "azure/", "anthropic/", "bedrock/", "gemini/", "vertex_ai/", "converse/", "invoke/"];

    private static readonly string[] InferenceProfilePrefixes =
        ["us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca."];

    public static string Normalise(string modelId)
    {
        var s = modelId.Trim().ToLowerInvariant();
        for (var stripped = true; stripped;)
        {
            stripped = false;
            foreach (var p in RoutePrefixes)
            {
                if (s.Length > p.Length && s.StartsWith(p, StringComparison.Ordinal))
                {
                    s = s[p.Length..];
                    stripped = true;
                }
            }
        }
        // arn:aws:bedrock:<region>:<account>:foundation-model/<id> or .../inference-profile/<profile id>
        if (s.StartsWith("arn:", StringComparison.Ordinal) && s.LastIndexOf('/') is var slash and >= 0 && slash < s.Length - 1)
            s = s[(slash + 1)..];
        foreach (var p in InferenceProfilePrefixes)
        {
            // Only a "<geo>.<vendor>.<model>" id is a profile; the rest must still read as "<vendor>.<model>".
            if (s.StartsWith(p, StringComparison.Ordinal) && s.IndexOf('.', p.Length) > p.Length)
                return s[p.Length..];
        }
        return s;
    }

    /// <summary>The keys to try for an already normalised id, best first: itself, then without a trailing
    /// Bedrock version (<c>:0</c>), then without a trailing release date (<c>-20250929</c>, <c>-2024-08-06</c>).</summary>
    public static IEnumerable<string> Candidates(string normalised)
    {
        yield return normalised;
        var unversioned = WithoutVersion(normalised);
        if (unversioned != normalised) yield return unversioned;
        var undated = WithoutDate(unversioned);
        if (undated != unversioned) yield return undated;
    }

    /// <summary><c>amazon.nova-pro-v1:0</c> → <c>amazon.nova-pro-v1</c>; ids without a numeric <c>:N</c> tail are returned as they are.</summary>
    public static string WithoutVersion(string id)
    {
        var colon = id.LastIndexOf(':');
        return colon > 0 && colon < id.Length - 1 && AllDigits(id.AsSpan(colon + 1)) ? id[..colon] : id;
    }

    /// <summary><c>claude-sonnet-4-5-20250929</c> → <c>claude-sonnet-4-5</c>, <c>gpt-4o-2024-08-06</c> → <c>gpt-4o</c>.</summary>
    public static string WithoutDate(string id)
    {
        var span = id.AsSpan();
        if (span.Length > 9 && span[^9] == '-' && IsDate(span[^8..], dashed: false)) return id[..^9];
        if (span.Length > 11 && span[^11] == '-' && IsDate(span[^10..], dashed: true)) return id[..^11];
        return id;
    }

    private static bool IsDate(ReadOnlySpan<char> s, bool dashed) => dashed
        ? s[4] == '-' && s[7] == '-' && AllDigits(s[..4]) && AllDigits(s[5..7]) && AllDigits(s[8..]) && s.StartsWith("20")
        : AllDigits(s) && s.StartsWith("20");

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
            if (c is < '0' or > '9') return false;
        return s.Length > 0;
    }
}
