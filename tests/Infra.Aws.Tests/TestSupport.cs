using Amazon.CDK;
using Amazon.CDK.Assertions;
using Gateway.Cdk;
using Newtonsoft.Json.Linq;

namespace Gateway.Infra.Aws.Tests;

/// <summary>Paths and helpers shared by the tests.</summary>
internal static class TestSupport
{
    public const string Account = "123456789012";
    public const string Region = "eu-west-1";

    /// <summary>jsii's node-version banners are silenced per major version, listed in JSII_SILENCE_WARNING_*.</summary>
    public const string SilencedNodeVersions = "18,20,22,24";

    static TestSupport()
    {
        // jsii starts node; node 20 is past end of life for jsii's check, which would print a banner on every start.
        foreach (var name in new[] { "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION" })
            System.Environment.SetEnvironmentVariable(name, SilencedNodeVersions);
    }

    public static void Init() { } // runs the static constructor

    /// <summary>The repo root: GATEWAY_REPO_ROOT (set by test.sh), else the folder above the test binaries holding Serverless.sln.</summary>
    public static string RepoRoot
    {
        get
        {
            var fromEnv = System.Environment.GetEnvironmentVariable("GATEWAY_REPO_ROOT");
            if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln"))) return dir.FullName;
            throw new InvalidOperationException("Cannot find the repo root (Serverless.sln) above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A fresh temp directory holding a stand-in Lambda package (a bootstrap script).</summary>
    public static string DummyAsset(string root)
    {
        var asset = Path.Combine(root, "asset");
        Directory.CreateDirectory(asset);
        File.WriteAllText(Path.Combine(asset, "bootstrap"), "#!/bin/sh\nexec ./bootstrap-gateway\n");
        File.WriteAllText(Path.Combine(asset, "bootstrap-gateway"), "stand-in for the Native AOT binary\n");
        return asset;
    }

    public static string NewTempDir(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"gateway-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The template as JSON.</summary>
    public static JObject Json(this Template template) => JObject.FromObject(template.ToJSON());

    /// <summary>Resources of one type: logical id and properties.</summary>
    public static List<(string Id, JObject Props)> Resources(this JObject template, string type) =>
        ((JObject)template["Resources"]!).Properties()
            .Where(p => (string?)p.Value["Type"] == type)
            .Select(p => (p.Name, (JObject?)p.Value["Properties"] ?? new JObject()))
            .ToList();

    /// <summary>
    /// A CloudFormation value as text: literals as themselves, <c>Ref</c> as <c>${Name}</c>, <c>Fn::Join</c> joined,
    /// <c>Fn::GetAtt</c> as <c>${Id.Attr}</c>, <c>Fn::ImportValue</c> as <c>import:Name</c>. ARNs built by CDK compare as text.
    /// </summary>
    public static string Render(JToken? value) => value switch
    {
        null => "",
        JValue v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        JObject o when o["Ref"] is { } r => "${" + (string)r! + "}",
        JObject o when o["Fn::Join"] is JArray j => string.Join((string)j[0]!, ((JArray)j[1]).Select(Render)),
        JObject o when o["Fn::GetAtt"] is JArray g => "${" + string.Join(".", g.Select(x => (string)x!)) + "}",
        JObject o when o["Fn::ImportValue"] is { } i => "import:" + Render(i),
        _ => value.ToString(Newtonsoft.Json.Formatting.None),
    };

    /// <summary>A statement's Action or Resource as a list (CloudFormation allows one value or an array).</summary>
    public static List<string> List(JToken? value) => value switch
    {
        null => [],
        JArray a => a.Select(Render).ToList(),
        _ => [Render(value)],
    };

    /// <summary>All IAM policy statements of a template.</summary>
    public static List<JObject> Statements(this JObject template) =>
        template.Resources("AWS::IAM::Policy")
            .SelectMany(p => ((JArray)p.Props["PolicyDocument"]!["Statement"]!).Cast<JObject>())
            .ToList();

    /// <summary>An app built from context, the way the CDK CLI builds it.</summary>
    public static (App App, SharedStack Shared, IReadOnlyList<GatewayStack> Tenants) BuildApp(IDictionary<string, object> context, string outdir)
    {
        Init();
        var app = new App(new AppProps { Context = context, Outdir = outdir });
        var (shared, tenants) = GatewayCdkApp.Build(app);
        return (app, shared, tenants);
    }
}
