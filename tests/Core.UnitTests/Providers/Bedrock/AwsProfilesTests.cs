using Gateway.Config;
using Gateway.Http;
using Gateway.Providers.Bedrock.Credentials;
using Gateway.Providers.Bedrock.Signing;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary><c>aws_profile_name</c> reads the AWS shared files as the CLI does, honouring AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE.</summary>
public sealed class AwsProfilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-aws-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string> Files(string credentials, string config)
    {
        File.WriteAllText(Path.Combine(_dir, "credentials"), credentials);
        File.WriteAllText(Path.Combine(_dir, "config"), config);
        return new() { ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_dir, "credentials"), ["AWS_CONFIG_FILE"] = Path.Combine(_dir, "config") };
    }

    [Fact]
    public void A_profile_takes_keys_from_credentials_and_region_from_config()
    {
        var env = Files("""
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = default-secret

            # the team's profile
            [bedrock-team]
            aws_access_key_id = AKIATEAM
            aws_secret_access_key = team-secret
            aws_session_token = team-token
            """, """
            [default]
            region = eu-west-1
            [profile bedrock-team]
            region = us-west-2
            aws_access_key_id = AKIA-IGNORED-CREDENTIALS-FILE-WINS
            """);

        var team = AwsProfiles.Find("bedrock-team", env.GetValueOrDefault)!;
        Assert.Equal(("AKIATEAM", "team-secret", "team-token", "us-west-2"), (team.AccessKeyId, team.SecretAccessKey, team.SessionToken, team.Region));
        var fallback = AwsProfiles.Find("default", env.GetValueOrDefault)!;
        Assert.Equal(("AKIADEFAULT", "eu-west-1"), (fallback.AccessKeyId, fallback.Region));
        Assert.Null(AwsProfiles.Find("nobody", env.GetValueOrDefault));
    }

    [Fact]
    public async Task A_deployment_with_a_profile_signs_with_its_keys_over_the_environments()
    {
        var env = Files("[prod]\naws_access_key_id=AKIAPROD\naws_secret_access_key=prod-secret\n", "");
        env["AWS_ACCESS_KEY_ID"] = "AKIAENV";
        env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
        var source = new AwsCredentialSource(new AwsEnvironment(env.GetValueOrDefault), TimeProvider.System);
        var d = new DeploymentConfig { ModelName = "m", Provider = "bedrock", UpstreamModel = "x", ProviderSettings = new Dictionary<string, string> { ["aws_profile_name"] = "prod" } };

        var creds = await source.For(d).GetCredentialsAsync();
        Assert.Equal("AKIAPROD", creds.AccessKey);

        var none = new DeploymentConfig { ModelName = "m", Provider = "bedrock", UpstreamModel = "x", ProviderSettings = new Dictionary<string, string> { ["aws_profile_name"] = "absent" } };
        var e = Assert.Throws<GatewayException>(() => source.For(none));
        Assert.Equal("aws_credentials_unavailable", e.Code);
        Assert.Contains("profile 'absent'", e.Message);
    }
}
