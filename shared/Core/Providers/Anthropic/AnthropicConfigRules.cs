namespace Gateway.Providers.Anthropic;

/// <summary>Anthropic: api_base defaults to the public API (see the catalog); <c>anthropic_version</c> is its own setting.</summary>
public sealed class AnthropicConfigRules : IProviderConfigRules
{
    public IReadOnlyList<string> SettingKeys { get; } = ["anthropic_version"];

    // Only reached if the catalog's default base URL is ever removed.
    public string MissingApiBaseHint => " (e.g. https://api.anthropic.com)";
}
