using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Gateway.Config;
using Gateway.Http;
using Gateway.Providers.Bedrock.Credentials;

namespace Gateway.Providers.Bedrock.Signing;

/// <summary>
/// Finds AWS credentials for a deployment, in this order: static keys in its config, its <c>aws_profile_name</c> from
/// the AWS shared files, the standard <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>/<c>AWS_SESSION_TOKEN</c>
/// variables (what Lambda sets for its role), then AWSSDK.Core's default chain (profiles, container and instance roles).
/// With <c>aws_role_name</c>, those are the base credentials that assume the role through STS. Resolved credential
/// objects are cached (assumed roles until shortly before they expire). Secrets are never logged.
/// </summary>
public sealed class AwsCredentialSource(AwsEnvironment env, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Lazy<AWSCredentials>> _byKey = new(StringComparer.Ordinal);
    private Lazy<AWSCredentials>? _defaultChain;

    public AWSCredentials For(DeploymentConfig d)
    {
        var source = BaseFor(d, out var baseKey);
        var s = d.ProviderSettings;
        if (!s.TryGetValue("aws_role_name", out var role) || string.IsNullOrEmpty(role)) return source;
        var session = s.GetValueOrDefault("aws_session_name") is { Length: > 0 } n ? n : "gateway";
        var region = s.GetValueOrDefault("aws_region_name") ?? env.Get("AWS_REGION") ?? env.Get("AWS_DEFAULT_REGION") ?? "us-east-1";
        var endpoint = s.GetValueOrDefault("aws_sts_endpoint") ?? env.Get("AWS_ENDPOINT_URL_STS");
        return Cached($"role:{role}:{session}:{endpoint}:{baseKey}", () => new AssumedRoleCredentials(source, new AssumeRoleTarget(role, session, region, endpoint), time));
    }

    private AWSCredentials BaseFor(DeploymentConfig d, out string key)
    {
        var s = d.ProviderSettings;
        if (s.TryGetValue("aws_access_key_id", out var id) && s.TryGetValue("aws_secret_access_key", out var secret))
        {
            var token = s.GetValueOrDefault("aws_session_token");
            key = "static:" + id;
            return Cached(key, () => Static(id, secret, token));
        }
        if (s.GetValueOrDefault("aws_profile_name") is { Length: > 0 } profileName)
        {
            if (AwsProfiles.Find(profileName, env.Get) is { HasKeys: true } profile)
            {
                key = $"profile:{profileName}:{profile.AccessKeyId}";
                return Cached(key, () => Static(profile.AccessKeyId!, profile.SecretAccessKey!, profile.SessionToken));
            }
            throw new GatewayException(502, "api_error",
                $"No AWS credentials for {d.Label}: profile '{profileName}' has no aws_access_key_id/aws_secret_access_key in the AWS shared files (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE).",
                "aws_credentials_unavailable") { Retryable = false };
        }
        if (env.Get("AWS_ACCESS_KEY_ID") is { } envId && (env.Get("AWS_SECRET_ACCESS_KEY") ?? env.Get("AWS_SECRET_KEY")) is { } envSecret)
        {
            // Keyed by the key id and token so a rotated role session gets a fresh object.
            var token = env.Get("AWS_SESSION_TOKEN");
            key = $"env:{envId}:{token?.GetHashCode()}";
            return Cached(key, () => Static(envId, envSecret, token));
        }
        key = "chain";
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
