namespace Gateway.Limits;

/// <summary>What one token costs for a model name, and how many output tokens it can produce at most.</summary>
public readonly record struct ModelPrice(decimal InputPerToken, decimal OutputPerToken, int MaxOutputTokens)
{
    /// <summary>What a call costs at most beyond its tokens: a per-request fee, and per-second rates over the longest call.</summary>
    public decimal FixedCost { get; init; }

    public decimal Cost(long input, long output) => input * InputPerToken + output * OutputPerToken + FixedCost;
}

/// <summary>The worst-case prices the limits reserve with, per model group (<see cref="Pricing.PriceBook"/> provides them).</summary>
public interface IModelPrices
{
    ModelPrice For(string modelName);
}
