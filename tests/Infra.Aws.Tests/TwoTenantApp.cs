using Amazon.CDK.Assertions;
using Gateway.Cdk;
using Newtonsoft.Json.Linq;

namespace Gateway.Infra.Aws.Tests;

/// <summary>
/// One two-tenant app, synthesized once for all assertion tests (jsii starts node, so building it is the slow part).
/// Tenants come from a tenants file: alpha uses two Claude entries (a model id and a US inference profile) and an
/// OpenAI key; beta uses one embedding model and a custom master-key parameter.
/// </summary>
public sealed class TwoTenantApp : IDisposable
{
    public const string HaikuModel = "anthropic.claude-3-5-haiku-20241022-v1:0";
    public const string HaikuProfile = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
    public const string TitanEmbed = "amazon.titan-embed-text-v2:0";

    public string Root { get; }
    public SharedStack Shared { get; }
    public GatewayStack Alpha { get; }
    public GatewayStack Beta { get; }
    public JObject SharedTemplate { get; }
    public JObject AlphaTemplate { get; }
    public JObject BetaTemplate { get; }
    public Template AlphaAssertions { get; }
    public Template BetaAssertions { get; }
    public Template SharedAssertions { get; }

    public TwoTenantApp()
    {
        Root = TestSupport.NewTempDir("cdk-app");
        var asset = TestSupport.DummyAsset(Root);
        var tenantsFile = Path.Combine(Root, "tenants.json");
        File.WriteAllText(tenantsFile, $$"""
            {
              "tenants": [
                { "name": "alpha", "bedrockModels": ["{{HaikuModel}}", "{{HaikuProfile}}"], "providerKeys": ["OPENAI_API_KEY"],
                  "alertSecrets": ["SLACK_WEBHOOK_URL", "GATEWAY_WEBHOOK_SIGNING_SECRET=/shared/alert-signing"] },
                { "name": "beta", "bedrockModels": ["{{TitanEmbed}}"], "masterKeyParameter": "/custom/beta-master",
                  "providerKeys": ["ANTHROPIC_API_KEY=/shared/anthropic-key"] }
              ]
            }
            """);
        var (_, shared, tenants) = TestSupport.BuildApp(new Dictionary<string, object>
        {
            ["tenantsFile"] = tenantsFile,
            ["asset"] = asset,
            ["account"] = TestSupport.Account,
            ["region"] = TestSupport.Region,
        }, Path.Combine(Root, "cdk.out"));
        Shared = shared;
        Alpha = tenants.Single(t => t.Tenant.Name == "alpha");
        Beta = tenants.Single(t => t.Tenant.Name == "beta");
        SharedAssertions = Template.FromStack(Shared);
        AlphaAssertions = Template.FromStack(Alpha);
        BetaAssertions = Template.FromStack(Beta);
        SharedTemplate = SharedAssertions.Json();
        AlphaTemplate = AlphaAssertions.Json();
        BetaTemplate = BetaAssertions.Json();
    }

    public JObject TemplateOf(string tenant) => tenant == "alpha" ? AlphaTemplate : BetaTemplate;
    public Template AssertionsOf(string tenant) => tenant == "alpha" ? AlphaAssertions : BetaAssertions;

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
