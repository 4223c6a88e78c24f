using Amazon.SimpleSystemsManagement;

namespace Gateway.Functions.Aws.Secrets;

/// <summary>
/// The SSM client: credentials and region from the SDK's default chain (in Lambda, the role's variables), and
/// <c>AWS_ENDPOINT_URL_SSM</c>, else <c>AWS_ENDPOINT_URL</c>, as the endpoint when set (a VPC endpoint, or a local fake in tests).
/// </summary>
public static class SsmClientFactory
{
    public static IAmazonSimpleSystemsManagement Create(Func<string, string?> env)
    {
        var config = new AmazonSimpleSystemsManagementConfig { Timeout = TimeSpan.FromSeconds(10) };
        var region = NonEmpty(env("AWS_REGION")) ?? NonEmpty(env("AWS_DEFAULT_REGION"));
        if ((NonEmpty(env("AWS_ENDPOINT_URL_SSM")) ?? NonEmpty(env("AWS_ENDPOINT_URL"))) is { } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out _))
                throw new SecretsException($"AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL: '{endpoint}' is not an absolute URL.");
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }
        return new AmazonSimpleSystemsManagementClient(config);
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
