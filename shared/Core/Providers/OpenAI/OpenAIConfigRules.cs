namespace Gateway.Providers.OpenAI;

/// <summary>OpenAI and the OpenAI-compatible presets: a preset without a default base URL (hosted_vllm) needs api_base.</summary>
public sealed class OpenAIConfigRules : IProviderConfigRules
{
    public string MissingApiBaseHint => " (the server's OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1)";
}
