namespace Gateway.Pricing;

/// <summary>
/// What one model charges, in US dollars, with every fallback already applied: a model without a cache-read or
/// cache-write price charges its input rate for those tokens, and one without a reasoning price charges its output rate.
/// </summary>
public readonly record struct ModelRates(
    decimal InputPerToken,
    decimal OutputPerToken,
    decimal CacheReadPerToken,
    decimal CacheWritePerToken,
    decimal ReasoningPerToken,
    decimal PerImage,
    decimal PerRequest,
    int MaxOutputTokens,
    bool IsEmbedding)
{
    /// <summary>When set, the prompt side costs this per second of the call instead of per token.</summary>
    public decimal? InputPerSecond { get; init; }

    /// <summary>When set, the completion side costs this per second of the call instead of per token.</summary>
    public decimal? OutputPerSecond { get; init; }

    public bool IsPerSecond => InputPerSecond is not null || OutputPerSecond is not null;

    /// <summary>The output budget assumed for a model that does not state one.</summary>
    public const int DefaultMaxOutputTokens = 4096;

    /// <summary>The 1-hour cache-write rate; null charges those tokens at <see cref="CacheWritePerToken"/>.</summary>
    public decimal? CacheWrite1hPerToken { get; init; }

    /// <summary>The rates of a call whose prompt is over the tier's threshold; null when the model has one price.</summary>
    public LongContextRates? LongContext { get; init; }

    /// <summary>The most prompt tokens the model takes, when known (for the router's pre-call checks).</summary>
    public int? MaxInputTokens { get; init; }
}
