namespace Gateway.Pricing;

/// <summary>
/// One model's prices as written (in <c>prices.json</c> or a deployment's <c>model_info</c>): optional fields stay
/// null so that an override of the input rate also moves the cache rates that fall back to it.
/// </summary>
public sealed record PriceEntry
{
    public const string Chat = "chat";
    public const string Embedding = "embedding";

    public string Provider { get; init; } = "";
    /// <summary><see cref="Chat"/> or <see cref="Embedding"/>.</summary>
    public string Mode { get; init; } = Chat;
    public decimal InputPerToken { get; init; }
    public decimal OutputPerToken { get; init; }
    public decimal? CacheReadPerToken { get; init; }
    public decimal? CacheWritePerToken { get; init; }
    public decimal? ReasoningPerToken { get; init; }
    public decimal? PerImage { get; init; }
    public decimal? PerRequest { get; init; }
    public decimal? InputPerSecond { get; init; }
    public decimal? OutputPerSecond { get; init; }
    public int? MaxOutputTokens { get; init; }
    /// <summary>Where the figures come from (a URL); every table entry has one.</summary>
    public string? Source { get; init; }
    public string? Notes { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];

    public bool IsEmbedding => Mode == Embedding;

    /// <summary>The rates with every fallback applied.</summary>
    public ModelRates Resolve() => new(
        InputPerToken,
        OutputPerToken,
        CacheReadPerToken ?? InputPerToken,
        CacheWritePerToken ?? InputPerToken,
        ReasoningPerToken ?? OutputPerToken,
        PerImage ?? 0,
        PerRequest ?? 0,
        MaxOutputTokens ?? ModelRates.DefaultMaxOutputTokens,
        IsEmbedding)
    {
        InputPerSecond = InputPerSecond,
        OutputPerSecond = OutputPerSecond,
    };
}
