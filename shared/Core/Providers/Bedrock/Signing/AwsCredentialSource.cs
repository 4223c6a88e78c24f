using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Gateway.Config;
using Gateway.Http;

namespace Gateway.Providers.Bedrock.Signing;

/// <summary>
/// Finds AWS credentials for a deployment, in this order: static keys in its config, the standard
/// <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>/<c>AWS_SESSION_TOKEN</c> variables (what Lambda sets for its
/// role), then AWSSDK.Core's default chain (profiles, container and instance roles). Resolved credential objects are
/// cached; the SDK's refreshing credentials renew themselves before expiry. Secrets are never logged.
/// </summary>
public sealed class AwsCredentialSource(AwsEnvironment env)
{
    private readonly ConcurrentDictionary<string, Lazy<AWSCredentials>> _byKey = new(StringComparer.Ordinal);
    private Lazy<AWSCredentials>? _defaultChain;

    public AWSCredentials For(DeploymentConfig d)
    {
        var s = d.ProviderSettings;
        if (s.TryGetValue("aws_access_key_id", out var id) && s.TryGetValue("aws_secret_access_key", out var secret))
        {
            var token = s.GetValueOrDefault("aws_session_token");
            return Cached("static:" + id, () => Static(id, secret, token));
        }
        if (env.Get("AWS_ACCESS_KEY_ID") is { } envId && (env.Get("AWS_SECRET_ACCESS_KEY") ?? env.Get("AWS_SECRET_KEY")) is { } envSecret)
        {
            // Keyed by the key id and token so a rotated role session gets a fresh object.
            var token = env.Get("AWS_SESSION_TOKEN");
            return Cached($"env:{envId}:{token?.GetHashCode()}", () => Static(envId, envSecret, token));
        }
        var chain = _defaultChain ??= new Lazy<AWSCredentials>(DefaultChain, LazyThreadSafetyMode.ExecutionAndPublication);
        try
        {
            return chain.Value;
        }
        catch (Exception e)
        {
            _defaultChain = null; // try again next call; the chain may only have been briefly unavailable
            throw new GatewayException(502, "api_error",
                $"No AWS credentials for {d.Label}: set aws_access_key_id/aws_secret_access_key, the AWS_* variables, or run with an IAM role ({e.GetType().Name}).",
                "aws_credentials_unavailable") { Retryable = false };
        }
    }

    private AWSCredentials Cached(string key, Func<AWSCredentials> make) =>
        _byKey.GetOrAdd(key, _ => new Lazy<AWSCredentials>(make)).Value;

    private static AWSCredentials Static(string id, string secret, string? token) =>
        token is null ? new BasicAWSCredentials(id, secret) : new SessionAWSCredentials(id, secret, token);

    private static AWSCredentials DefaultChain() => DefaultAWSCredentialsIdentityResolver.GetCredentials();
}
