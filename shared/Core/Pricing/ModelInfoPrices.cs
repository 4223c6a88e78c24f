using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.Pricing;

/// <summary>
/// Applies a deployment's <c>model_info</c> price fields (the names of <c>prices.json</c>) over a table entry, so a
/// config can correct a price or price a model the table does not know (a <c>mock/</c> or private model).
/// </summary>
internal static class ModelInfoPrices
{
    /// <summary>
    /// The entry with every override applied; null when there is no table entry and <paramref name="info"/> sets no
    /// money field (the model is unknown). Unusable values are added to <paramref name="problems"/>.
    /// </summary>
    public static PriceEntry? Apply(PriceEntry? table, JsonObject info, string where, List<string> problems)
    {
        var e = table ?? new PriceEntry { Provider = "config" };
        var priced = table is not null;

        foreach (var field in PriceFields.Money)
        {
            if (!info.TryGetPropertyValue(field, out var node) || node is null) continue;
            if (Decimal(node) is not { } d || d < 0)
            {
                problems.Add($"{where}.model_info.{field}: '{node.ToJsonString()}' is not a non-negative amount of dollars");
                continue;
            }
            priced = true;
            e = field switch
            {
                PriceFields.Input => e with { InputPerToken = d },
                PriceFields.Output => e with { OutputPerToken = d },
                PriceFields.CacheRead => e with { CacheReadPerToken = d },
                PriceFields.CacheWrite => e with { CacheWritePerToken = d },
                PriceFields.Reasoning => e with { ReasoningPerToken = d },
                PriceFields.PerImage => e with { PerImage = d },
                PriceFields.InputPerSecond => e with { InputPerSecond = d },
                PriceFields.OutputPerSecond => e with { OutputPerSecond = d },
                _ => e with { PerRequest = d },
            };
        }

        var limitField = info[PriceFields.MaxOutputTokens] is not null ? PriceFields.MaxOutputTokens : PriceFields.MaxTokens;
        if (info[limitField] is { } limit)
        {
            if (Decimal(limit) is { } n && n > 0 && n <= int.MaxValue && n == decimal.Truncate(n)) e = e with { MaxOutputTokens = (int)n };
            else problems.Add($"{where}.model_info.{limitField}: '{limit.ToJsonString()}' is not a positive whole number");
        }

        if (info[PriceFields.Mode] is JsonValue m && m.TryGetValue<string>(out var mode) && mode is PriceEntry.Chat or PriceEntry.Embedding)
            e = e with { Mode = mode };

        return priced ? e : null;
    }

    /// <summary>A YAML or JSON number, or a numeric string, as an exact decimal (a double goes through its shortest
    /// round-trip text, so 0.00000015 stays 0.00000015).</summary>
    private static decimal? Decimal(JsonNode node)
    {
        if (node is not JsonValue v) return null;
        if (v.TryGetValue<decimal>(out var d)) return d;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var f))
            return double.IsFinite(f) && decimal.TryParse(f.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : null;
        if (v.TryGetValue<string>(out var s) && decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var q)) return q;
        return null;
    }
}
