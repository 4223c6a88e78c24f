using Gateway.Config;
using Gateway.Keys;

using Gateway.Limits;

namespace Gateway.Pricing;

/// <summary>
/// The price of every configured deployment, worked out once at start-up: the table entry of
/// <c>model_info.base_model</c> (or else of the deployment's own <c>provider/model</c>), with <c>model_info</c>'s
/// price fields applied over it. Also the <see cref="IModelPrices"/> the limits reserve against.
/// </summary>
public sealed class PriceBook : IModelPrices
{
    /// <summary>What <see cref="For"/> answers for a model name with no known price.</summary>
    public static readonly ModelPrice Unknown = new(0, 0, ModelRates.DefaultMaxOutputTokens, IsPriced: false);

    /// <summary>A <c>mock/</c> deployment without prices: it answers offline and costs nothing, so $0 is its true price.</summary>
    private static readonly ModelPrice Free = new(0, 0, ModelRates.DefaultMaxOutputTokens);

    private readonly PriceTable _table;
    private readonly Dictionary<DeploymentConfig, ModelRates?> _rates = [];
    private readonly Dictionary<string, ModelPrice> _groups = new(StringComparer.Ordinal);

    public PriceBook(GatewayConfig config) : this(config, PriceTable.Default) { }

    /// <exception cref="ConfigException">A <c>model_info</c> price field is not a usable number.</exception>
    public PriceBook(GatewayConfig config, PriceTable table)
    {
        _table = table;
        var problems = new List<string>();
        foreach (var d in config.Deployments)
        {
            var rates = Resolve(d, problems);
            _rates[d] = rates;
            var price = rates is { } r ? Reserved(r) with { FixedCost = WorstFixedCost(r, d) } : d.Provider == "mock" ? Free : Unknown;
            _groups[d.ModelName] = _groups.TryGetValue(d.ModelName, out var q) ? Dearest(price, q) : price;
        }
        if (problems.Count > 0) throw new ConfigException(config.Source, problems);
    }

    /// <summary>The deployment's rates; null when neither the table nor its <c>model_info</c> prices it.</summary>
    public ModelRates? Rates(DeploymentConfig deployment)
    {
        if (_rates.TryGetValue(deployment, out var rates)) return rates;
        var problems = new List<string>();
        rates = Resolve(deployment, problems);
        return problems.Count == 0 ? rates : throw new ConfigException(deployment.Describe(), problems);
    }

    /// <summary>The dearest input rate, output rate and output limit across the model name's deployments (an
    /// unpriced deployment counts as zero, and makes the name unpriced), so a reservation covers whichever deployment
    /// serves the call.</summary>
    public ModelPrice For(string modelName) => _groups.TryGetValue(modelName, out var p) ? p : Unknown;

    /// <summary>The id the table is asked for: <c>model_info.base_model</c>, else <c>provider/model</c>.</summary>
    public static string PricedModelId(DeploymentConfig d) =>
        d.ModelInfo[PriceFields.BaseModel] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var b) && !string.IsNullOrWhiteSpace(b)
            ? b
            : $"{d.Provider}/{d.UpstreamModel}";

    private ModelRates? Resolve(DeploymentConfig d, List<string> problems)
    {
        var entry = _table.Find(PricedModelId(d));
        return ModelInfoPrices.Apply(entry, d.ModelInfo, d.Describe(), problems)?.Resolve();
    }

    /// <summary>What a reservation charges: prompt tokens at the input rate, output at the output rate, both at the
    /// long-context rates once the prompt bound passes the tier's threshold.</summary>
    private static ModelPrice Reserved(in ModelRates r) => new(r.InputPerToken, r.OutputPerToken, r.MaxOutputTokens)
    {
        LongContext = r.LongContext is { } t ? new LongContextPrice(t.AboveTokens, t.InputPerToken, t.OutputPerToken) : null,
    };

    private static ModelPrice Dearest(ModelPrice a, ModelPrice b) => new(
        Math.Max(a.InputPerToken, b.InputPerToken), Math.Max(a.OutputPerToken, b.OutputPerToken), Math.Max(a.MaxOutputTokens, b.MaxOutputTokens),
        a.IsPriced && b.IsPriced)
    {
        LongContext = DearestTier(a, b),
        FixedCost = Math.Max(a.FixedCost, b.FixedCost),
    };

    /// <summary>A tier that bounds both names' costs: the lower threshold, above it the dearest of every rate that may apply.</summary>
    private static LongContextPrice? DearestTier(ModelPrice a, ModelPrice b)
    {
        if (a.LongContext is null && b.LongContext is null) return null;
        var above = Math.Min(a.LongContext?.AboveTokens ?? int.MaxValue, b.LongContext?.AboveTokens ?? int.MaxValue);
        decimal Input(ModelPrice p) => p.LongContext?.InputPerToken ?? p.InputPerToken;
        decimal Output(ModelPrice p) => p.LongContext?.OutputPerToken ?? p.OutputPerToken;
        return new LongContextPrice(above,
            Math.Max(Math.Max(Input(a), Input(b)), Math.Max(a.InputPerToken, b.InputPerToken)),
            Math.Max(Math.Max(Output(a), Output(b)), Math.Max(a.OutputPerToken, b.OutputPerToken)));
    }

    /// <summary>The per-request fee, plus per-second rates over the deployment's timeout (the longest a call may wait for an answer).</summary>
    private static decimal WorstFixedCost(ModelRates r, DeploymentConfig d) =>
        r.PerRequest + ((r.InputPerSecond ?? 0) + (r.OutputPerSecond ?? 0)) * (decimal)d.Timeout.TotalSeconds;
}
