namespace Gateway.Limits;

/// <summary>
/// What one token costs for a model name, and how many output tokens it can produce at most. <see cref="IsPriced"/> is
/// false when a deployment of the name has no price (its calls book $0).
/// </summary>
public readonly record struct ModelPrice(decimal InputPerToken, decimal OutputPerToken, int MaxOutputTokens, bool IsPriced = true)
{
    /// <summary>Rates for the whole call once the prompt is over <see cref="LongContextPrice.AboveTokens"/>; null when flat.</summary>
    public LongContextPrice? LongContext { get; init; }

    /// <summary>What a call costs at most beyond its tokens: a per-request fee, and per-second rates over the longest call.</summary>
    public decimal FixedCost { get; init; }

    public decimal Cost(long input, long output) => (LongContext is { } tier && input > tier.AboveTokens
        ? input * tier.InputPerToken + output * tier.OutputPerToken
        : input * InputPerToken + output * OutputPerToken) + FixedCost;
}

/// <summary>A model's long-context rates, as the limits reserve with them.</summary>
public readonly record struct LongContextPrice(int AboveTokens, decimal InputPerToken, decimal OutputPerToken);

/// <summary>The worst-case prices the limits reserve with, per model group (<see cref="Pricing.PriceBook"/> provides them).</summary>
public interface IModelPrices
{
    ModelPrice For(string modelName);
}
