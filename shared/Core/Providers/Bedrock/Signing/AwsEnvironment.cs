namespace Gateway.Providers.Bedrock.Signing;

/// <summary>
/// The environment the AWS settings come from: the host's injected variable lookup, so region, endpoint and
/// credential variables are read the same way as the rest of the config (and tests can supply their own).
/// </summary>
public sealed class AwsEnvironment(Func<string, string?> lookup)
{
    public static AwsEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    public string? Get(string name) => lookup(name) is { Length: > 0 } v ? v : null;
}
