namespace Gateway.Providers.Azure;

/// <summary>Azure OpenAI: the resource URL has no default; it and the API version may come from the environment, as in LiteLLM.</summary>
public sealed class AzureConfigRules : IProviderConfigRules
{
    public string? ApiBaseFromEnvironment(Func<string, string?> env) => env("AZURE_API_BASE");

    public string? ApiVersionFromEnvironment(Func<string, string?> env) => env("AZURE_API_VERSION");

    public string MissingApiBaseHint => " (e.g. https://<resource>.openai.azure.com, or set AZURE_API_BASE)";
}
