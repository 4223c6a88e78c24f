using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Config.Yaml;
using Gateway.Pricing;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary>
/// Cost fields written in <c>litellm_params</c> (where LiteLLM's custom-pricing docs put them): read as exact decimals
/// and laid over <c>model_info</c>, which the price book reads, so they price calls and budgets like any other override.
/// </summary>
internal sealed class LitellmParamsPrices(YamlFields fields, ConfigDiagnostics report)
{
    private readonly Dictionary<string, (decimal Value, YamlNode Node)> _prices = new(StringComparer.Ordinal);

    public static bool IsPriceField(string key) => PriceFields.Money.Contains(key);

    public void Read(YamlMappingNode p, string key, string f)
    {
        if (fields.OptionalString(p, key, $"{f}.{key}") is not { } text) return;
        var node = YamlFields.Child(p, key)!;
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0) _prices[key] = (d, node);
        else report.Problem(node, $"{f}.{key}: '{text}' is not a non-negative amount of dollars");
    }

    /// <summary>Lays the prices over <paramref name="info"/>; where both set a field, litellm_params wins and the report says so.</summary>
    public void ApplyTo(JsonObject info, string f)
    {
        foreach (var (field, (value, node)) in _prices)
        {
            if (info[field] is JsonValue old && Amount(old) is var was && was != value)
                report.Warning(node, $"{f}.{field}: {value.ToString(CultureInfo.InvariantCulture)} is used; model_info.{field} ({was?.ToString(CultureInfo.InvariantCulture) ?? old.ToJsonString()}) is overridden");
            info[field] = JsonValue.Create(value);
        }
    }

    private static decimal? Amount(JsonValue v) =>
        decimal.TryParse(v.ToJsonString().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}
