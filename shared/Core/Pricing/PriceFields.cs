namespace Gateway.Pricing;

/// <summary>
/// Field names of <c>prices.json</c> entries. The money fields are also the <c>model_info</c> override names, so they keep
/// LiteLLM's spelling; the structure around them (aliases, long-context tier, regional premium, sources) is ours.
/// </summary>
public static class PriceFields
{
    public const string Provider = "provider";
    public const string Mode = "mode";
    public const string Input = "input_cost_per_token";
    public const string Output = "output_cost_per_token";
    public const string CacheRead = "cache_read_input_token_cost";
    /// <summary>A prompt-cache write (Anthropic's 5-minute cache; the only kind other providers have).</summary>
    public const string CacheWrite = "cache_creation_input_token_cost";
    /// <summary>A 1-hour prompt-cache write (Anthropic, and Claude on Bedrock).</summary>
    public const string CacheWrite1h = "cache_creation_input_token_cost_above_1hr";
    public const string Reasoning = "output_cost_per_reasoning_token";
    public const string PerImage = "input_cost_per_image";
    public const string PerRequest = "cost_per_request";
    public const string MaxInputTokens = "max_input_tokens";
    /// <summary>Per second of the call's duration, replacing the token rate of its side (LiteLLM's custom-pricing fields).</summary>
    public const string InputPerSecond = "input_cost_per_second";
    public const string OutputPerSecond = "output_cost_per_second";
    public const string MaxOutputTokens = "max_output_tokens";
    /// <summary>LiteLLM's older name for the output limit; read from <c>model_info</c> when <see cref="MaxOutputTokens"/> is absent.</summary>
    public const string MaxTokens = "max_tokens";
    /// <summary>An object of the rates that apply to a whole call once its prompt is over <see cref="AboveTokens"/>.</summary>
    public const string LongContext = "long_context";
    public const string AboveTokens = "above_tokens";
    /// <summary>The fraction added on a non-global endpoint: Bedrock in-region and geo inference profiles, Azure Data Zones.</summary>
    public const string RegionalPremium = "regional_premium";
    public const string Source = "source";
    public const string Notes = "notes";
    public const string Aliases = "aliases";
    /// <summary>In <c>model_info</c>: the model whose table prices a deployment (e.g. an Azure deployment's model).</summary>
    public const string BaseModel = "base_model";

    /// <summary>The money fields of an entry, each a non-negative decimal.</summary>
    public static IReadOnlyList<string> Money { get; } = [Input, Output, CacheRead, CacheWrite, CacheWrite1h, Reasoning, PerImage, PerRequest, InputPerSecond, OutputPerSecond];

    /// <summary>The money fields a <see cref="LongContext"/> tier may set.</summary>
    public static IReadOnlyList<string> TierMoney { get; } = [Input, Output, CacheRead, CacheWrite, CacheWrite1h];
}
