namespace Gateway.Providers.Bedrock;

/// <summary>
/// Bedrock: no api_base needed (the endpoint follows the region, see <see cref="BedrockEndpoint"/>), but a region is,
/// from <c>aws_region_name</c> or the environment; the <c>aws_*</c> keys feed the credential chain.
/// </summary>
public sealed class BedrockConfigRules : IProviderConfigRules
{
    public IReadOnlyList<string> SettingKeys { get; } =
        ["aws_region_name", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_profile_name", "aws_role_name", "aws_session_name", "aws_sts_endpoint"];

    public IEnumerable<(string Key, string Cause)> Check(IReadOnlyDictionary<string, string> settings, Func<string, string?> env)
    {
        if (!settings.ContainsKey("aws_region_name") && string.IsNullOrEmpty(env("AWS_REGION")) && string.IsNullOrEmpty(env("AWS_DEFAULT_REGION")))
            yield return ("aws_region_name", "required for provider 'bedrock' unless AWS_REGION or AWS_DEFAULT_REGION is set");
    }
}
