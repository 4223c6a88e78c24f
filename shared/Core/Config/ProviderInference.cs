using Gateway.Pricing;
using Gateway.Providers;

namespace Gateway.Config;

/// <summary>
/// Places a bare model name (<c>model: gpt-4o</c>, no <c>provider/</c> prefix) with a provider, by LiteLLM's rules:
/// Bedrock model ids and ARNs, the price table's own <c>provider</c> field for a model it lists, then OpenAI's model
/// families, Anthropic's <c>claude-*</c> and Gemini's <c>gemini-*</c>. A name none of these place is left to the caller to refuse.
/// </summary>
internal static class ProviderInference
{
    // OpenAI's chat, reasoning, embedding, audio, image and moderation families, as LiteLLM lists them.
    private static readonly string[] OpenAIPrefixes =
    [
        "gpt-", "chatgpt-", "o1", "o3", "o4", "text-embedding-", "davinci-", "babbage-", "whisper-", "tts-", "dall-e-",
        "gpt-image-", "omni-moderation-", "text-moderation-", "computer-use-preview", "codex-mini",
    ];

    // The model vendors Bedrock serves, as the first part of a model id (anthropic.claude-…, meta.llama3-…).
    private static readonly string[] BedrockVendors =
    [
        "anthropic.", "amazon.", "meta.", "mistral.", "cohere.", "ai21.", "stability.", "deepseek.", "writer.", "qwen.",
        "openai.", "twelvelabs.", "luma.",
    ];

    // Cross-region inference profile prefixes (us.anthropic.…, global.anthropic.…).
    private static readonly string[] GeoPrefixes = ["us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca."];

    /// <summary>The inferred provider prefix and why; false when the name cannot be placed.</summary>
    public static bool TryInfer(string model, PriceTable prices, out string provider, out string reason)
    {
        var m = model.ToLowerInvariant();
        (provider, reason) = ("", "");
        if (IsBedrockArn(m)) (provider, reason) = ("bedrock", "a Bedrock ARN");
        else if (IsBedrockModelId(m)) (provider, reason) = ("bedrock", "a Bedrock model id");
        // A model the table lists is placed by its entry: that is specific where a family rule guesses
        // (text-embedding-004 is Google's, not OpenAI's). Never Azure: an Azure deployment needs its resource's api_base
        // and deployment name, and LiteLLM never infers it from a bare name (the table lists Azure-only sellers' prices).
        else if (prices.TryFind(model, out var id, out var entry) && entry.Provider != "azure" && ProviderCatalog.TryGet(entry.Provider, out _))
            (provider, reason) = (entry.Provider, $"the price table lists '{id}' under {entry.Provider}");
        else if (OpenAIPrefixes.Any(p => m.StartsWith(p, StringComparison.Ordinal))) (provider, reason) = ("openai", "an OpenAI model family");
        else if (m.StartsWith("claude-", StringComparison.Ordinal)) (provider, reason) = ("anthropic", "an Anthropic model family");
        else if (m.StartsWith("gemini-", StringComparison.Ordinal)) (provider, reason) = ("gemini", "a Gemini model family");
        return provider.Length > 0;
    }

    /// <summary><c>arn:aws:bedrock:…</c> (and the GovCloud and China partitions).</summary>
    public static bool IsBedrockArn(string model) =>
        model.StartsWith("arn:", StringComparison.OrdinalIgnoreCase) && model.Contains(":bedrock:", StringComparison.OrdinalIgnoreCase);

    private static bool IsBedrockModelId(string m)
    {
        foreach (var geo in GeoPrefixes)
            if (m.StartsWith(geo, StringComparison.Ordinal) && BedrockVendors.Any(v => m.AsSpan(geo.Length).StartsWith(v, StringComparison.Ordinal)))
                return true;
        return BedrockVendors.Any(v => m.StartsWith(v, StringComparison.Ordinal) && m.Length > v.Length);
    }
}
