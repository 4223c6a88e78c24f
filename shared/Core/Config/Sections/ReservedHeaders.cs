namespace Gateway.Config.Sections;

/// <summary>
/// Headers a deployment's <c>headers</c>/<c>extra_headers</c> may not set: the gateway writes credentials, signatures and
/// framing itself, and a second value beside its own would reach the upstream as an ambiguous pair.
/// </summary>
internal static class ReservedHeaders
{
    /// <summary>Why <paramref name="name"/> is not sent as configured; null when it may be.</summary>
    public static string? Reason(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        return n switch
        {
            "authorization" or "api-key" or "x-api-key" or "x-goog-api-key" =>
                "the gateway sends the deployment's credentials itself (set api_key)",
            "anthropic-version" => "set litellm_params.anthropic_version instead",
            "host" or "content-length" or "content-type" or "transfer-encoding" or "connection" or "expect" =>
                "the gateway frames each request itself",
            _ when n.StartsWith("x-amz-", StringComparison.Ordinal) => "Bedrock requests are signed with SigV4; signed headers are the gateway's",
            _ => null,
        };
    }
}
