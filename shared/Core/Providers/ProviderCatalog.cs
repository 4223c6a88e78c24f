using Gateway.Providers.Anthropic;
using Gateway.Providers.Azure;
using Gateway.Providers.Bedrock;
using Gateway.Providers.Gemini;
using Gateway.Providers.Mock;
using Gateway.Providers.OpenAI;

namespace Gateway.Providers;

/// <summary>How a provider prefix is spoken to on the wire.</summary>
public enum ProviderKind
{
    /// <summary>OpenAI's own API or any server that speaks it (vLLM, Ollama, Groq, ...).</summary>
    OpenAICompatible,
    AzureOpenAI,
    Mock,
    /// <summary>Anthropic's Messages API, translated both ways.</summary>
    Anthropic,
    /// <summary>Google AI Studio's generateContent API, translated both ways.</summary>
    Gemini,
    /// <summary>Amazon Bedrock's Converse API and InvokeModel, signed with SigV4.</summary>
    Bedrock,
}

/// <summary>A provider prefix accepted in <c>litellm_params.model</c>.</summary>
/// <param name="DefaultApiBase">Used when the deployment gives no <c>api_base</c>; null means api_base is required.</param>
/// <param name="ApiKeyVariable">Environment variable read when the deployment gives no <c>api_key</c>.</param>
public sealed record ProviderInfo(string Prefix, ProviderKind Kind, string? DefaultApiBase, string? ApiKeyVariable)
{
    /// <summary>Environment variables read for <c>api_base</c> when the entry gives none, before <see cref="DefaultApiBase"/> (LiteLLM's names).</summary>
    public IReadOnlyList<string> ApiBaseVariables { get; init; } = [];

    /// <summary>The config rules of its kind, which the <c>model_list</c> checks ask.</summary>
    public IProviderConfigRules ConfigRules { get; } = ProviderCatalog.ConfigRulesFor(Kind);
}

/// <summary>The provider prefixes this gateway knows, with LiteLLM's names so existing configs carry over.</summary>
public static class ProviderCatalog
{
    private static readonly Dictionary<string, ProviderInfo> Known = new ProviderInfo[]
    {
        new("openai", ProviderKind.OpenAICompatible, "https://api.openai.com/v1", "OPENAI_API_KEY") { ApiBaseVariables = ["OPENAI_BASE_URL", "OPENAI_API_BASE"] },
        new("azure", ProviderKind.AzureOpenAI, null, "AZURE_API_KEY"),
        new("mock", ProviderKind.Mock, null, null),
        new("anthropic", ProviderKind.Anthropic, "https://api.anthropic.com", "ANTHROPIC_API_KEY") { ApiBaseVariables = ["ANTHROPIC_BASE_URL", "ANTHROPIC_API_BASE"] },
        new("gemini", ProviderKind.Gemini, "https://generativelanguage.googleapis.com/v1beta", "GEMINI_API_KEY") { ApiBaseVariables = ["GEMINI_API_BASE"] },
        new("bedrock", ProviderKind.Bedrock, null, null), // endpoint from region and AWS_ENDPOINT_URL*; see BedrockEndpoint
        new("groq", ProviderKind.OpenAICompatible, "https://api.groq.com/openai/v1", "GROQ_API_KEY"),
        new("mistral", ProviderKind.OpenAICompatible, "https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
        new("together_ai", ProviderKind.OpenAICompatible, "https://api.together.xyz/v1", "TOGETHERAI_API_KEY"),
        new("deepseek", ProviderKind.OpenAICompatible, "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
        new("fireworks_ai", ProviderKind.OpenAICompatible, "https://api.fireworks.ai/inference/v1", "FIREWORKS_AI_API_KEY"),
        new("openrouter", ProviderKind.OpenAICompatible, "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
        new("perplexity", ProviderKind.OpenAICompatible, "https://api.perplexity.ai", "PERPLEXITYAI_API_KEY"),
        new("xai", ProviderKind.OpenAICompatible, "https://api.x.ai/v1", "XAI_API_KEY"),
        new("hosted_vllm", ProviderKind.OpenAICompatible, null, "HOSTED_VLLM_API_KEY"),
        new("ollama", ProviderKind.OpenAICompatible, "http://127.0.0.1:11434/v1", null),
        new("ollama_chat", ProviderKind.OpenAICompatible, "http://127.0.0.1:11434/v1", null),
        new("lm_studio", ProviderKind.OpenAICompatible, "http://127.0.0.1:1234/v1", "LM_STUDIO_API_KEY"),
    }.ToDictionary(p => p.Prefix, StringComparer.Ordinal);

    public static IEnumerable<string> Prefixes => Known.Keys;

    /// <summary>
    /// Every provider's own <c>litellm_params</c> keys. Any entry may carry any of them, as before the rules moved
    /// beside their providers: an unused one is kept, not warned about.
    /// </summary>
    public static IReadOnlySet<string> SettingKeys { get; } =
        Known.Values.SelectMany(p => p.ConfigRules.SettingKeys).ToHashSet(StringComparer.Ordinal);

    internal static IProviderConfigRules ConfigRulesFor(ProviderKind kind) => kind switch
    {
        ProviderKind.AzureOpenAI => new AzureConfigRules(),
        ProviderKind.Mock => new MockConfigRules(),
        ProviderKind.Anthropic => new AnthropicConfigRules(),
        ProviderKind.Gemini => new GeminiConfigRules(),
        ProviderKind.Bedrock => new BedrockConfigRules(),
        ProviderKind.OpenAICompatible => new OpenAIConfigRules(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no config rules for this provider kind"),
    };

    public static bool TryGet(string prefix, out ProviderInfo info) => Known.TryGetValue(prefix, out info!);
}
