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

    private static readonly string[] AzureDataZones = ["us/", "eu/"];

    public static string Normalise(string modelId) => Parse(modelId).Id;

    /// <summary>
    /// The table key of a model id, and the kind of endpoint the id names: a Bedrock <c>global.</c> profile is
    /// <see cref="EndpointScope.Global"/>; a geo profile (<c>us.</c>, <c>eu.</c>, ...) or a Bedrock model id without one
    /// (an in-region call) is <see cref="EndpointScope.Regional"/>, as is an Azure Data Zone id
    /// (<c>azure/us/gpt-4o</c>, <c>azure/eu/gpt-4o</c>, LiteLLM's spelling for <c>model_info.base_model</c>).
    /// </summary>
    public static ModelKey Parse(string modelId)
    {
        var s = modelId.Trim().ToLowerInvariant();
        var scope = EndpointScope.Unstated;
        for (var stripped = true; stripped;)
        {
            stripped = false;
            foreach (var p in RoutePrefixes)
            {
                if (s.Length > p.Length && s.StartsWith(p, StringComparison.Ordinal))
                {
                    s = s[p.Length..];
                    stripped = true;
                    if (p == "azure/" && StripAny(ref s, AzureDataZones)) scope = EndpointScope.Regional;
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
                return new ModelKey(s[p.Length..], p == "global." ? EndpointScope.Global : EndpointScope.Regional);
        }
        if (scope == EndpointScope.Unstated && IsBedrockModelId(s)) scope = EndpointScope.Regional;
        return new ModelKey(s, scope);
    }

    /// <summary>A Bedrock model id reads <c>&lt;vendor&gt;.&lt;model&gt;</c> (<c>anthropic.claude-…</c>, <c>amazon.nova-…</c>); no
    /// other provider's ids put a dot before their first dash.</summary>
    private static bool IsBedrockModelId(string s)
    {
        var dot = s.IndexOf('.');
        var dash = s.IndexOf('-');
        return dot > 0 && (dash < 0 || dot < dash) && !char.IsDigit(s[dot - 1]) && s.IndexOf('/') < 0;
    }

    private static bool StripAny(ref string s, string[] prefixes)
    {
        foreach (var p in prefixes)
        {
            if (s.Length > p.Length && s.StartsWith(p, StringComparison.Ordinal))
            {
                s = s[p.Length..];
                return true;
            }
        }
        return false;
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

/// <summary>A table key and the kind of endpoint the id it came from names.</summary>
public readonly record struct ModelKey(string Id, EndpointScope Scope);

/// <summary>Which endpoint a model id names, for the premium some providers add off their global endpoints.</summary>
public enum EndpointScope
{
    /// <summary>The id does not say (a provider's own API: no premium).</summary>
    Unstated,
    /// <summary>A Bedrock <c>global.</c> cross-region profile: the list price.</summary>
    Global,
    /// <summary>A Bedrock in-region or geo endpoint, or an Azure Data Zone deployment: the list price plus the entry's <c>regional_premium</c>.</summary>
    Regional,
}
