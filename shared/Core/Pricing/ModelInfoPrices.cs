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
                PriceFields.CacheWrite1h => e with { CacheWrite1hPerToken = d },
                PriceFields.Reasoning => e with { ReasoningPerToken = d },
                PriceFields.PerImage => e with { PerImage = d },
                PriceFields.InputPerSecond => e with { InputPerSecond = d },
                PriceFields.OutputPerSecond => e with { OutputPerSecond = d },
                _ => e with { PerRequest = d },
            };
        }

        if (LongContextOverride(e, info, where, problems) is { } tier)
        {
            e = e with { LongContext = tier };
            priced = true;
        }

        if (info[PriceFields.MaxInputTokens] is { } maxInput)
        {
            if (Decimal(maxInput) is { } n && n > 0 && n <= int.MaxValue && n == decimal.Truncate(n)) e = e with { MaxInputTokens = (int)n };
            else problems.Add($"{where}.model_info.{PriceFields.MaxInputTokens}: '{maxInput.ToJsonString()}' is not a positive whole number");
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

    /// <summary>
    /// LiteLLM's flat long-context fields (<c>input_cost_per_token_above_200k_tokens</c>, <c>..._above_272k_tokens</c>, and
    /// the same suffix on the output and cache fields) as a tier over the table's; null when none is set.
    /// </summary>
    private static LongContextPrices? LongContextOverride(PriceEntry entry, JsonObject info, string where, List<string> problems)
    {
        LongContextPrices? tier = null;
        foreach (var (name, _) in info)
        {
            if (!TryTierField(name, out var field, out var above)) continue;
            if (Decimal(info[name]!) is not { } d || d < 0)
            {
                problems.Add($"{where}.model_info.{name}: '{info[name]?.ToJsonString()}' is not a non-negative amount of dollars");
                continue;
            }
            // A new tier starts from the base rates, so a config that sets only the input rate above the threshold keeps output exact.
            var t = tier ?? (entry.LongContext is { } listed && listed.AboveTokens == above ? listed : new LongContextPrices(above, entry.InputPerToken, entry.OutputPerToken));
            if (t.AboveTokens != above)
            {
                problems.Add($"{where}.model_info.{name}: only one long-context threshold can be set ({t.AboveTokens:N0} tokens is already)");
                continue;
            }
            tier = field switch
            {
                PriceFields.Input => t with { InputPerToken = d },
                PriceFields.Output => t with { OutputPerToken = d },
                PriceFields.CacheRead => t with { CacheReadPerToken = d },
                PriceFields.CacheWrite => t with { CacheWritePerToken = d },
                _ => t with { CacheWrite1hPerToken = d },
            };
        }
        return tier;
    }

    /// <summary><c>input_cost_per_token_above_200k_tokens</c> → (<c>input_cost_per_token</c>, 200,000).</summary>
    private static bool TryTierField(string name, out string field, out int above)
    {
        (field, above) = ("", 0);
        const string suffix = "k_tokens";
        var at = name.LastIndexOf("_above_", StringComparison.Ordinal);
        if (at <= 0 || !name.EndsWith(suffix, StringComparison.Ordinal)) return false;
        var digits = name.AsSpan(at + "_above_".Length, name.Length - at - "_above_".Length - suffix.Length);
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k <= 0 || k > 100_000) return false;
        field = name[..at];
        above = k * 1000;
        return PriceFields.TierMoney.Contains(field);
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
