namespace Gateway.Providers.Gemini;

/// <summary>Gemini: api_base defaults to Google AI Studio (see the catalog).</summary>
public sealed class GeminiConfigRules : IProviderConfigRules
{
    /// <summary>LiteLLM's Vertex AI settings for Gemini models, kept so configs that carry them load; no adapter reads them yet.</summary>
    public IReadOnlyList<string> SettingKeys { get; } = ["vertex_project", "vertex_location"];

    // Only reached if the catalog's default base URL is ever removed.
    public string MissingApiBaseHint => " (e.g. https://generativelanguage.googleapis.com/v1beta)";
}
