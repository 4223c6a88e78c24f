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
    public decimal? CacheWrite1hPerToken { get; init; }
    public decimal? ReasoningPerToken { get; init; }
    public decimal? PerImage { get; init; }
    public decimal? PerRequest { get; init; }
    public int? MaxInputTokens { get; init; }
    public decimal? InputPerSecond { get; init; }
    public decimal? OutputPerSecond { get; init; }
    public int? MaxOutputTokens { get; init; }
    /// <summary>Dearer rates for calls with a long prompt; null when the model has one price whatever the prompt.</summary>
    public LongContextPrices? LongContext { get; init; }
    /// <summary>The fraction added to every rate on a non-global endpoint (see <see cref="ModelIds.Parse"/>); null for none.</summary>
    public decimal? RegionalPremium { get; init; }
    /// <summary>Where the figures come from (a URL); every table entry has one.</summary>
    public string? Source { get; init; }
    public string? Notes { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];

    public bool IsEmbedding => Mode == Embedding;

    /// <summary>This entry as billed on a regional endpoint: every rate raised by <see cref="RegionalPremium"/>.</summary>
    public PriceEntry OnRegionalEndpoint()
    {
        if (RegionalPremium is not { } premium || premium == 0) return this;
        var f = 1 + premium;
        return this with
        {
            InputPerToken = InputPerToken * f,
            OutputPerToken = OutputPerToken * f,
            CacheReadPerToken = CacheReadPerToken * f,
            CacheWritePerToken = CacheWritePerToken * f,
            CacheWrite1hPerToken = CacheWrite1hPerToken * f,
            ReasoningPerToken = ReasoningPerToken * f,
            PerImage = PerImage * f,
            PerRequest = PerRequest * f,
            LongContext = LongContext?.Times(f),
            RegionalPremium = null,
        };
    }

    /// <summary>The rates with every fallback applied.</summary>
    public ModelRates Resolve()
    {
        var rates = new ModelRates(
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
            CacheWrite1hPerToken = CacheWrite1hPerToken,
            MaxInputTokens = MaxInputTokens,
            InputPerSecond = InputPerSecond,
            OutputPerSecond = OutputPerSecond,
        };
        return LongContext is { } tier ? rates with { LongContext = tier.Resolve(rates) } : rates;
    }
}
