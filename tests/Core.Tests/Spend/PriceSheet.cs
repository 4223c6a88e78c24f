using System.Globalization;
using System.Text.Json;

namespace Gateway.Tests.Spend;

/// <summary>
/// The shipped price table read straight from its JSON, apart from the gateway's pricing code, so tests compute
/// expected costs independently: (prompt − cached) × input + cached × cache read + completion × output.
/// </summary>
public static class PriceSheet
{
    private static readonly Lazy<JsonElement> Models = new(() =>
    {
        using var s = typeof(Gateway.Pricing.PriceBook).Assembly.GetManifestResourceStream("Gateway.Pricing.prices.json")!;
        return JsonDocument.Parse(s).RootElement.GetProperty("models").Clone();
    });

    public sealed record Rates(decimal Input, decimal Output, decimal CacheRead);

    /// <summary>The entry listed under <paramref name="id"/> itself or as one of its aliases; a Bedrock <c>us.</c> profile
    /// is its base model plus the entry's <c>regional_premium</c>.</summary>
    public static Rates For(string id)
    {
        if (id.StartsWith("us.", StringComparison.Ordinal))
        {
            var listed = For(id[3..]);
            var premium = 1 + (Models.Value.GetProperty(id[3..]).TryGetProperty("regional_premium", out _) ? Dec(Models.Value.GetProperty(id[3..]), "regional_premium") : 0);
            return new Rates(listed.Input * premium, listed.Output * premium, listed.CacheRead * premium);
        }
        foreach (var m in Models.Value.EnumerateObject())
        {
            var aliases = m.Value.TryGetProperty("aliases", out var a) ? a.EnumerateArray().Select(x => x.GetString()) : [];
            if (m.Name != id && !aliases.Contains(id)) continue;
            var input = Dec(m.Value, "input_cost_per_token");
            return new Rates(input, Dec(m.Value, "output_cost_per_token"), m.Value.TryGetProperty("cache_read_input_token_cost", out _) ? Dec(m.Value, "cache_read_input_token_cost") : input);
        }
        throw new InvalidOperationException($"'{id}' is not in prices.json");
    }

    public static decimal Cost(Rates r, int prompt, int completion, int cached) =>
        (prompt - cached) * r.Input + cached * r.CacheRead + completion * r.Output;

    private static decimal Dec(JsonElement e, string name) =>
        decimal.Parse(e.GetProperty(name).GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
