using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Gateway.Providers.Bedrock.Credentials;

/// <summary>
/// Credentials of a role assumed through STS <c>AssumeRole</c> (LiteLLM's <c>aws_role_name</c> + <c>aws_session_name</c>),
/// signed with the base credentials. They are cached until five minutes before they expire, by the gateway's clock, and
/// one refresh runs at a time however many calls need them.
/// </summary>
public sealed class AssumedRoleCredentials(AWSCredentials baseCredentials, AssumeRoleTarget target, TimeProvider time) : AWSCredentials
{
    private static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (ImmutableCredentials Credentials, DateTimeOffset Expires)? _current;

    public override ImmutableCredentials GetCredentials() => GetCredentialsAsync().GetAwaiter().GetResult();

    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        if (Fresh() is { } cached) return cached;
        await _refresh.WaitAsync();
        try
        {
            if (Fresh() is { } again) return again;
            var assumed = await AssumeAsync();
            _current = assumed;
            return assumed.Credentials;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private ImmutableCredentials? Fresh() =>
        _current is { } c && time.GetUtcNow() < c.Expires - RefreshBefore ? c.Credentials : null;

    private async Task<(ImmutableCredentials Credentials, DateTimeOffset Expires)> AssumeAsync()
    {
        var config = new AmazonSecurityTokenServiceConfig { AuthenticationRegion = target.Region };
        if (target.Endpoint is { } endpoint) config.ServiceURL = endpoint;
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(target.Region);
        using var sts = new AmazonSecurityTokenServiceClient(baseCredentials, config);
        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = target.RoleArn, RoleSessionName = target.SessionName });
        var c = response.Credentials;
        var expires = c.Expiration is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : time.GetUtcNow().AddHours(1);
        return (new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken), expires);
    }
}

/// <summary>The role to assume, the session name, and where STS is (<c>aws_sts_endpoint</c> or <c>AWS_ENDPOINT_URL_STS</c>, else the region's).</summary>
public sealed record AssumeRoleTarget(string RoleArn, string SessionName, string Region, string? Endpoint);
