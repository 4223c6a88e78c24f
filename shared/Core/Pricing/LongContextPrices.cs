namespace Gateway.Pricing;

/// <summary>
/// A long-context tier as written: once a call's prompt (cache reads and writes included) is over
/// <see cref="AboveTokens"/>, the whole call is charged at these rates (Gemini and Claude above 200k prompt tokens,
/// GPT-5.4 and later above 272k). Absent cache rates scale with the tier's input rate.
/// </summary>
public sealed record LongContextPrices(int AboveTokens, decimal InputPerToken, decimal OutputPerToken)
{
    public decimal? CacheReadPerToken { get; init; }
    public decimal? CacheWritePerToken { get; init; }
    public decimal? CacheWrite1hPerToken { get; init; }

    public LongContextPrices Times(decimal factor) => this with
    {
        InputPerToken = InputPerToken * factor,
        OutputPerToken = OutputPerToken * factor,
        CacheReadPerToken = CacheReadPerToken * factor,
        CacheWritePerToken = CacheWritePerToken * factor,
        CacheWrite1hPerToken = CacheWrite1hPerToken * factor,
    };

    /// <summary>The tier's rates with every fallback applied, given the model's resolved base rates.</summary>
    public LongContextRates Resolve(in ModelRates baseRates)
    {
        // A cache rate the source does not state for the tier keeps its ratio to input (providers scale them together).
        var scale = baseRates.InputPerToken > 0 ? InputPerToken / baseRates.InputPerToken : 1m;
        var outputScale = baseRates.OutputPerToken > 0 ? OutputPerToken / baseRates.OutputPerToken : 1m;
        return new LongContextRates(
            AboveTokens,
            InputPerToken,
            OutputPerToken,
            CacheReadPerToken ?? baseRates.CacheReadPerToken * scale,
            CacheWritePerToken ?? baseRates.CacheWritePerToken * scale,
            CacheWrite1hPerToken ?? (baseRates.CacheWrite1hPerToken ?? baseRates.CacheWritePerToken) * scale,
            baseRates.ReasoningPerToken * outputScale);
    }
}

/// <summary>A long-context tier with every fallback applied (see <see cref="LongContextPrices"/>).</summary>
public sealed record LongContextRates(
    int AboveTokens, decimal InputPerToken, decimal OutputPerToken, decimal CacheReadPerToken, decimal CacheWritePerToken, decimal CacheWrite1hPerToken,
    decimal ReasoningPerToken);
