namespace Gateway.Providers;

/// <summary>
/// The config rules one provider kind adds to a <c>model_list</c> entry: its own <c>litellm_params</c> keys, where
/// <c>api_base</c> and <c>api_version</c> come from when the entry leaves them out, and what it requires. The
/// defaults fit a provider that needs nothing beyond what every entry has.
/// </summary>
public interface IProviderConfigRules
{
    /// <summary>Its own <c>litellm_params</c> keys, kept in <c>DeploymentConfig.ProviderSettings</c> for its adapter.</summary>
    IReadOnlyList<string> SettingKeys => [];

    /// <summary>The <c>api_base</c> to use when the entry gives none, tried before the catalog's preset.</summary>
    string? ApiBaseFromEnvironment(Func<string, string?> env) => null;

    /// <summary>The <c>api_version</c> to use when the entry gives none.</summary>
    string? ApiVersionFromEnvironment(Func<string, string?> env) => null;

    /// <summary>What follows "api_base: required for provider 'x'" when no api_base is found; null when none is needed.</summary>
    string? MissingApiBaseHint => null;

    /// <summary>Problems that depend on the provider's own settings, each as the <c>litellm_params</c> key and its cause.</summary>
    IEnumerable<(string Key, string Cause)> Check(IReadOnlyDictionary<string, string> settings, Func<string, string?> env) => [];
}
