namespace Gateway.Pricing;

/// <summary>Field names shared by <c>prices.json</c> entries and <c>model_info</c> overrides (LiteLLM's names).</summary>
public static class PriceFields
{
    public const string Provider = "provider";
    public const string Mode = "mode";
    public const string Input = "input_cost_per_token";
    public const string Output = "output_cost_per_token";
    public const string CacheRead = "cache_read_input_token_cost";
    public const string CacheWrite = "cache_creation_input_token_cost";
    public const string Reasoning = "output_cost_per_reasoning_token";
    public const string PerImage = "input_cost_per_image";
    public const string PerRequest = "cost_per_request";
    /// <summary>Per second of the call's duration, replacing the token rate of its side (LiteLLM's custom-pricing fields).</summary>
    public const string InputPerSecond = "input_cost_per_second";
    public const string OutputPerSecond = "output_cost_per_second";
    public const string MaxOutputTokens = "max_output_tokens";
    /// <summary>LiteLLM's older name for the output limit; read from <c>model_info</c> when <see cref="MaxOutputTokens"/> is absent.</summary>
    public const string MaxTokens = "max_tokens";
    public const string Source = "source";
    public const string Notes = "notes";
    public const string Aliases = "aliases";
    /// <summary>In <c>model_info</c>: the model whose table prices a deployment (e.g. an Azure deployment's model).</summary>
    public const string BaseModel = "base_model";

    /// <summary>The money fields, each a non-negative decimal.</summary>
    public static IReadOnlyList<string> Money { get; } = [Input, Output, CacheRead, CacheWrite, Reasoning, PerImage, PerRequest, InputPerSecond, OutputPerSecond];
}
