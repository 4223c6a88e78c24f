using System.Text.Json.Nodes;
using Gateway.Config;

namespace Gateway.Keys;

/// <summary>What one token costs for a model name, and how many output tokens it can produce at most.</summary>
public readonly record struct ModelPrice(decimal InputPerToken, decimal OutputPerToken, int MaxOutputTokens)
{
    public decimal Cost(long input, long output) => input * InputPerToken + output * OutputPerToken;
}

/// <summary>The price seam the limits use; the pricing work replaces the default with its own table.</summary>
public interface IModelPrices
{
    ModelPrice For(string modelName);
}

/// <summary>
/// Prices from each deployment's <c>model_info</c> (<c>input_cost_per_token</c>, <c>output_cost_per_token</c>,
/// <c>max_output_tokens</c> or <c>max_tokens</c>; LiteLLM's names), 0 when absent. Where a model name has several
/// deployments the dearest wins, so a reservation covers whichever one serves the call.
/// </summary>
public sealed class ConfigModelPrices : IModelPrices
{
    public const int DefaultMaxOutputTokens = 4096;
    private readonly Dictionary<string, ModelPrice> _prices = new(StringComparer.Ordinal);

    public ConfigModelPrices(GatewayConfig config)
    {
        foreach (var d in config.Deployments)
        {
            var info = d.ModelInfo;
            var p = new ModelPrice(Number(info, "input_cost_per_token") ?? 0, Number(info, "output_cost_per_token") ?? 0,
                (int?)(Number(info, "max_output_tokens") ?? Number(info, "max_tokens")) ?? DefaultMaxOutputTokens);
            _prices[d.ModelName] = _prices.TryGetValue(d.ModelName, out var q)
                ? new ModelPrice(Math.Max(p.InputPerToken, q.InputPerToken), Math.Max(p.OutputPerToken, q.OutputPerToken), Math.Max(p.MaxOutputTokens, q.MaxOutputTokens))
                : p;
        }
    }

    public ModelPrice For(string modelName) => _prices.TryGetValue(modelName, out var p) ? p : new ModelPrice(0, 0, DefaultMaxOutputTokens);

    private static decimal? Number(JsonObject info, string name)
    {
        if (info[name] is not JsonValue v) return null;
        if (v.TryGetValue<decimal>(out var d)) return d;
        if (v.TryGetValue<double>(out var f)) return (decimal)f;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<string>(out var s) && decimal.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var p)) return p;
        return null;
    }
}
