using Amazon.Runtime;
using Gateway.Config;
using Gateway.Providers.Bedrock.Signing;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>Which credentials a deployment signs with, and that resolving them is cached rather than repeated per call.</summary>
public sealed class AwsCredentialSourceTests
{
    private static DeploymentConfig Deployment(Dictionary<string, string>? settings = null) => new()
    {
        ModelName = "m",
        Provider = "bedrock",
        UpstreamModel = "x",
        ProviderSettings = settings ?? [],
    };

    private static AwsCredentialSource Source(Dictionary<string, string> env) => new(new AwsEnvironment(env.GetValueOrDefault), TimeProvider.System);

    [Fact]
    public async Task Role_variables_with_a_session_token_give_session_credentials_cached_across_calls()
    {
        var source = Source(new() { ["AWS_ACCESS_KEY_ID"] = "AKIA1", ["AWS_SECRET_ACCESS_KEY"] = "s1", ["AWS_SESSION_TOKEN"] = "t1" });
        var first = source.For(Deployment());
        Assert.Same(first, source.For(Deployment()));
        var resolved = await first.GetCredentialsAsync();
        Assert.Equal("AKIA1", resolved.AccessKey);
        Assert.Equal("t1", resolved.Token);
    }

    [Fact]
    public async Task Static_keys_in_config_win_over_the_environment()
    {
        var source = Source(new() { ["AWS_ACCESS_KEY_ID"] = "AKIA-env", ["AWS_SECRET_ACCESS_KEY"] = "env" });
        var creds = source.For(Deployment(new() { ["aws_access_key_id"] = "AKIA-cfg", ["aws_secret_access_key"] = "cfg" }));
        var resolved = await creds.GetCredentialsAsync();
        Assert.Equal("AKIA-cfg", resolved.AccessKey);
        Assert.False(resolved.UseToken);
        Assert.IsType<BasicAWSCredentials>(creds);
    }

    [Fact]
    public void A_changed_session_token_gets_fresh_credentials()
    {
        var env = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "AKIA1", ["AWS_SECRET_ACCESS_KEY"] = "s1", ["AWS_SESSION_TOKEN"] = "t1" };
        var source = Source(env);
        var first = source.For(Deployment());
        env["AWS_SESSION_TOKEN"] = "t2";
        Assert.NotSame(first, source.For(Deployment()));
    }
}
