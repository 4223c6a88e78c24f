namespace Gateway;

/// <summary>Token counts of one call, as reported upstream. Cache parts are kept apart for pricing.</summary>
public readonly record struct TokenUsage(
    int PromptTokens,
    int CompletionTokens,
    int TotalTokens,
    int CachedTokens = 0,
    int CacheWriteTokens = 0,
    int ReasoningTokens = 0)
{
    /// <summary>Of <see cref="CacheWriteTokens"/>, those written to a 1-hour cache (Anthropic and Bedrock report them
    /// apart; they cost more than 5-minute writes).</summary>
    public int CacheWrite1hTokens { get; init; }

    public static readonly TokenUsage None = default;
    public bool IsKnown => PromptTokens > 0 || CompletionTokens > 0 || TotalTokens > 0;
}
