using Amazon.CDK;
using Amazon.CDK.Assertions;
using Gateway.Cdk;
using static Gateway.Infra.Aws.Tests.TestSupport;

namespace Gateway.Infra.Aws.Tests;

/// <summary>Context handling: the CLI forms of the settings, defaults, and the errors a bad value gets.</summary>
public sealed class SettingsTests : IDisposable
{
    private readonly string _root = NewTempDir("cdk-settings");

    public SettingsTests() => Init();

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private GatewaySettings Parse(Dictionary<string, object> context) =>
        GatewaySettings.FromContext(new App(new AppProps { Context = context }).Node);

    private string Error(Dictionary<string, object> context) =>
        Assert.Throws<ArgumentException>(() => Parse(context)).Message;

    [Fact]
    public void Comma_lists_from_the_command_line_give_defaults_to_every_tenant()
    {
        var s = Parse(new()
        {
            ["tenants"] = "a, b",
            ["bedrockModels"] = "anthropic.claude-3-5-haiku-20241022-v1:0,amazon.titan-embed-text-v2:0",
            ["providerKeys"] = "OPENAI_API_KEY,GEMINI_API_KEY=/org/{tenant}/gemini",
            ["asset"] = "relative/dir",
        });
        Assert.Equal(["a", "b"], s.Tenants.Select(t => t.Name));
        Assert.All(s.Tenants, t => Assert.Equal(2, t.BedrockModels.Count));
        var b = s.Tenants[1];
        Assert.Equal("/gateway/b/master-key", b.MasterKeyParameter);
        Assert.Equal([new SecretParameter("OPENAI_API_KEY", "/gateway/b/OPENAI_API_KEY"), new SecretParameter("GEMINI_API_KEY", "/org/b/gemini")], b.ProviderKeys);
        Assert.Equal(LambdaArchitecture.X86_64, s.Architecture);
        Assert.Equal(Path.GetFullPath("relative/dir"), s.AssetPath);
        Assert.Equal("gateway-b-governance", s.GovernanceTableName("b"));
        Assert.Equal("gateway-b-spend", s.SpendTableName("b"));
    }

    [Fact]
    public void Alert_secrets_are_ssm_parameters_beside_the_provider_keys_and_only_the_alert_variables_are_taken()
    {
        var s = Parse(new()
        {
            ["tenants"] = "a",
            ["providerKeys"] = "OPENAI_API_KEY",
            ["alertSecrets"] = "TEAMS_WEBHOOK_URL,GATEWAY_WEBHOOK_SIGNING_SECRET=/org/{tenant}/alert-signing",
            ["asset"] = "relative/dir",
        });
        Assert.Equal([new SecretParameter("OPENAI_API_KEY", "/gateway/a/OPENAI_API_KEY"), new SecretParameter("TEAMS_WEBHOOK_URL", "/gateway/a/TEAMS_WEBHOOK_URL"),
            new SecretParameter("GATEWAY_WEBHOOK_SIGNING_SECRET", "/org/a/alert-signing")], s.Tenants[0].ProviderKeys);

        Assert.Contains("alertSecrets entry 'OPENAI_API_KEY': 'OPENAI_API_KEY' is not an alert secret", Error(new() { ["tenants"] = "a", ["alertSecrets"] = "OPENAI_API_KEY" }));
        Assert.Contains("alertSecrets names WEBHOOK_URL more than once", Error(new() { ["tenants"] = "a", ["alertSecrets"] = "WEBHOOK_URL,WEBHOOK_URL=/x/y" }));
    }

    [Fact]
    public void Bad_values_are_all_reported_with_their_key()
    {
        var message = Error(new()
        {
            ["tenants"] = "Good,bad_name",
            ["architecture"] = "sparc",
            ["logRetentionDays"] = "31",
            ["memoryMb"] = "lots",
            ["bedrockModels"] = "not a model",
        });
        Assert.Contains("tenant name 'Good'", message);
        Assert.Contains("tenant name 'bad_name'", message);
        Assert.Contains("architecture: 'sparc'", message);
        Assert.Contains("logRetentionDays: 31", message);
        Assert.Contains("memoryMb: 'lots'", message);
        Assert.Contains("bedrockModels entry 'not a model'", message);
    }

    [Fact]
    public void No_tenants_is_an_error_that_says_how_to_give_them()
    {
        Assert.Contains("-c tenants=a,b", Error(new()));
        Assert.Contains("give one of them", Error(new() { ["tenants"] = "a", ["tenantsFile"] = "x.json" }));
        Assert.Contains("more than once", Error(new() { ["tenants"] = "a,a" }));
    }

    [Fact]
    public void Tenants_file_errors_name_the_entry()
    {
        var file = Path.Combine(_root, "tenants.json");
        File.WriteAllText(file, """[ { "name": "a", "bedrockModel": ["x.y"] }, { "nom": "b" } ]""");
        var message = Error(new() { ["tenantsFile"] = file });
        Assert.Contains("tenants[0].bedrockModel: unknown field", message);
        Assert.Contains("tenants[1]: expected a name", message);
        Assert.Contains("cannot read", Error(new() { ["tenantsFile"] = Path.Combine(_root, "missing.json") }));
    }

    [Fact]
    public void The_example_tenants_file_is_valid()
    {
        var s = Parse(new() { ["tenantsFile"] = Path.Combine(RepoRoot, "infra", "cdk", "tenants.example.json") });
        Assert.Equal(["search", "support"], s.Tenants.Select(t => t.Name));
        Assert.Equal("/gateway/support/master-key", s.Tenants[1].MasterKeyParameter);
        Assert.Equal([new SecretParameter("ANTHROPIC_API_KEY", "/shared/anthropic-api-key")], s.Tenants[1].ProviderKeys);
    }

    [Fact]
    public void A_missing_package_directory_fails_the_synth_with_the_packaging_step()
    {
        var message = Assert.Throws<ArgumentException>(() => BuildApp(new Dictionary<string, object>
        {
            ["tenants"] = "a",
            ["asset"] = Path.Combine(_root, "no-such-dir"),
        }, Path.Combine(_root, "out"))).Message;
        Assert.Contains("package.sh", message);
    }

    [Fact]
    public void Arm64_and_no_bedrock_models_give_the_arm_layer_and_no_bedrock_permission()
    {
        var (_, _, tenants) = BuildApp(new Dictionary<string, object>
        {
            ["tenants"] = "solo",
            ["asset"] = DummyAsset(_root),
            ["architecture"] = "arm64",
            ["region"] = "us-west-2",
            ["tablePrefix"] = "gw-test",
            ["alarmTopicArn"] = "arn:aws:sns:us-west-2:123456789012:ops",
        }, Path.Combine(_root, "out"));
        var template = Template.FromStack(Assert.Single(tenants)).Json();
        var fn = Assert.Single(template.Resources("AWS::Lambda::Function")).Props;
        Assert.Equal(["arm64"], List(fn["Architectures"]));
        Assert.EndsWith(":lambda:us-west-2:753240598075:layer:LambdaAdapterLayerArm64:26", Assert.Single(List(fn["Layers"])));
        Assert.Equal("gw-test-solo-governance", (string?)fn["Environment"]!["Variables"]!["GATEWAY_DYNAMODB_TABLE"]);
        Assert.Equal("gw-test-solo", (string?)fn["FunctionName"]);
        Assert.DoesNotContain(template.Statements().SelectMany(s => List(s["Action"])), a => a.StartsWith("bedrock:", StringComparison.Ordinal));
        Assert.All(template.Resources("AWS::CloudWatch::Alarm"), a => Assert.Equal(["arn:aws:sns:us-west-2:123456789012:ops"], List(a.Props["AlarmActions"])));
    }
}
