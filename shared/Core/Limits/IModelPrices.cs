namespace Gateway.Limits;

/// <summary>What one token costs for a model name, and how many output tokens it can produce at most.</summary>
public readonly record struct ModelPrice(decimal InputPerToken, decimal OutputPerToken, int MaxOutputTokens)
{
    public decimal Cost(long input, long output) => input * InputPerToken + output * OutputPerToken;
}

/// <summary>The worst-case prices the limits reserve with, per model group (<see cref="Pricing.PriceBook"/> provides them).</summary>
public interface IModelPrices
{
    ModelPrice For(string modelName);
}
