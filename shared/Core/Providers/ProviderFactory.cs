using Gateway.Config;
using Gateway.Providers.Anthropic;
using Gateway.Providers.Azure;
using Gateway.Providers.Bedrock;
using Gateway.Providers.Bedrock.Signing;
using Gateway.Providers.Gemini;
using Gateway.Providers.Mock;
using Gateway.Providers.OpenAI;
using Gateway.Routing;

namespace Gateway.Providers;

/// <summary>Builds the adapter for each deployment from its provider prefix.</summary>
public sealed class ProviderFactory(UpstreamClient client, AzureTokenSource azureTokens, TimeProvider time, AwsEnvironment awsEnvironment, AwsCredentialSource awsCredentials)
{
    public Deployment Create(DeploymentConfig d)
    {
        if (!ProviderCatalog.TryGet(d.Provider, out var info))
            throw new InvalidOperationException($"{d.Describe()}: unknown provider '{d.Provider}'");
        return info.Kind switch
        {
            ProviderKind.Mock => Both(d, new MockProvider(d, time)),
            ProviderKind.Anthropic => new Deployment(d, new AnthropicProvider(d, client, time), null),
            ProviderKind.Gemini => new Deployment(d, new GeminiProvider(d, client, time), null),
            ProviderKind.Bedrock => Both(d, new BedrockProvider(d, new BedrockEndpoint(d, awsEnvironment), awsCredentials, client, time)),
            ProviderKind.AzureOpenAI => Both(d, new OpenAIFamilyProvider(d, new AzureOpenAIEndpoint(d, azureTokens), client)),
            _ => Both(d, new OpenAIFamilyProvider(d, new OpenAIEndpoint(d), client)),
        };
    }

    private static Deployment Both<T>(DeploymentConfig d, T provider) where T : IChatProvider, IEmbeddingsProvider =>
        new(d, provider, provider);
}
