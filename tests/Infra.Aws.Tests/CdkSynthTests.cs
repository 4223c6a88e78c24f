using System.Diagnostics;
using System.Text;
using Gateway.Cdk;
using Newtonsoft.Json.Linq;

namespace Gateway.Infra.Aws.Tests;

/// <summary>
/// The app as `cdk deploy` runs it: the npm CDK CLI (GATEWAY_TEST_CDK_CLI, installed by test.sh) synthesizes the
/// built app for two tenants, offline. Any attempt to reach the network goes to a dead loopback proxy and would show.
/// </summary>
public sealed class CdkSynthTests : IDisposable
{
    private readonly string _root = TestSupport.NewTempDir("cdk-synth");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string CdkCli()
    {
        var cli = Environment.GetEnvironmentVariable("GATEWAY_TEST_CDK_CLI");
        if (string.IsNullOrEmpty(cli))
            cli = Path.Combine(TestSupport.RepoRoot, ".tools", "node_modules", ".bin", "cdk");
        if (!File.Exists(cli))
            Assert.Fail($"The AWS CDK CLI is not installed at '{cli}'. Run ./test.sh (it installs aws-cdk from tests/tools/package.json " +
                        "into .tools/ and exports GATEWAY_TEST_CDK_CLI), or set GATEWAY_TEST_CDK_CLI to a cdk executable.");
        return cli;
    }

    [Fact]
    public async Task Cdk_cli_synthesizes_the_app_offline_for_two_tenants()
    {
        var cli = CdkCli();
        var appDll = typeof(GatewayCdkApp).Assembly.Location;
        Assert.True(File.Exists(Path.ChangeExtension(appDll, ".runtimeconfig.json")), $"{appDll} has no runtimeconfig.json beside it");

        var asset = TestSupport.DummyAsset(_root);
        var home = Path.Combine(_root, "cdk-home");
        Directory.CreateDirectory(Path.Combine(home, "cache"));
        // A fresh notices cache, so the CLI has no reason to fetch notices even if --no-notices were ignored.
        var expires = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds();
        File.WriteAllText(Path.Combine(home, "cache", "notices.json"), $$"""{"expiration":{{expires}},"notices":[]}""");
        var outDir = Path.Combine(_root, "cdk.out");
        var work = Path.Combine(_root, "work"); // no cdk.json here: only the arguments below count
        Directory.CreateDirectory(work);

        var psi = new ProcessStartInfo(cli)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "synth", "--app", $"dotnet \"{appDll}\"", "--no-notices", "--no-version-reporting", "--no-path-metadata",
                     "-o", outDir, "-q",
                     "-c", "tenants=a,b", "-c", $"asset={asset}",
                     "-c", "bedrockModels=anthropic.claude-3-5-haiku-20241022-v1:0,us.anthropic.claude-3-5-haiku-20241022-v1:0",
                     "-c", "providerKeys=OPENAI_API_KEY",
                 })
            psi.ArgumentList.Add(arg);
        var env = psi.Environment;
        env["CDK_DISABLE_VERSION_CHECK"] = "1";
        env["AWS_EC2_METADATA_DISABLED"] = "true";
        env["AWS_REGION"] = "us-east-1";
        env["CDK_HOME"] = home;
        env["AWS_CONFIG_FILE"] = Path.Combine(_root, "no-aws-config");
        env["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_root, "no-aws-credentials");
        foreach (var name in new[] { "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION" })
            env.Remove(name);
        // Anything that tries the network hits a closed loopback port and says so in the output.
        env["HTTPS_PROXY"] = env["HTTP_PROXY"] = env["https_proxy"] = env["http_proxy"] = "http://127.0.0.1:9";
        env.Remove("NO_PROXY");
        env.Remove("no_proxy");
        foreach (var name in new[] { "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION" })
            env[name] = TestSupport.SilencedNodeVersions;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        var watch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"cdk synth did not finish within 3 minutes. Output:\n{output}");
        }
        process.WaitForExit(); // drain the output handlers
        var text = output.ToString();

        Assert.True(process.ExitCode == 0, $"cdk synth exited {process.ExitCode} after {watch.Elapsed.TotalSeconds:F1} s. Output:\n{text}");
        foreach (var sign in new[] { "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "getaddrinfo", "127.0.0.1:9", "ETIMEDOUT", "socket hang up", "Could not refresh notices", "newer version" })
            Assert.DoesNotContain(sign, text, StringComparison.OrdinalIgnoreCase);

        var templates = Directory.GetFiles(outDir, "*.template.json").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["Gateway-Shared.template.json", "Gateway-a.template.json", "Gateway-b.template.json"], templates);

        foreach (var tenant in new[] { "a", "b" })
        {
            var template = JObject.Parse(File.ReadAllText(Path.Combine(outDir, $"Gateway-{tenant}.template.json")));
            var fn = Assert.Single(template.Resources("AWS::Lambda::Function")).Props;
            Assert.Equal(tenant, (string?)fn["Environment"]!["Variables"]!["GATEWAY_TENANT"]);
            Assert.Equal("RESPONSE_STREAM", (string?)Assert.Single(template.Resources("AWS::Lambda::Url")).Props["InvokeMode"]);
            Assert.NotNull(template["Outputs"]!["FunctionUrl"]);
        }
        var shared = JObject.Parse(File.ReadAllText(Path.Combine(outDir, "Gateway-Shared.template.json")));
        Assert.Equal(4, shared.Resources("AWS::DynamoDB::Table").Count);

        // The Lambda package is staged as an asset directory holding the bootstrap.
        var manifest = JObject.Parse(File.ReadAllText(Path.Combine(outDir, "Gateway-a.assets.json")));
        var source = (string)((JObject)manifest["files"]!).Properties().Select(p => p.Value["source"]!["path"]!).Single(p => ((string)p!).StartsWith("asset.", StringComparison.Ordinal))!;
        Assert.True(File.Exists(Path.Combine(outDir, source, "bootstrap")));
    }

    [Fact]
    public void Cdk_json_runs_the_app_project_beside_it()
    {
        var dir = Path.Combine(TestSupport.RepoRoot, "infra", "cdk");
        var cdkJson = JObject.Parse(File.ReadAllText(Path.Combine(dir, "cdk.json")));
        var app = (string)cdkJson["app"]!;
        Assert.Equal("dotnet run --project Gateway.Cdk.csproj", app);
        Assert.True(File.Exists(Path.Combine(dir, "Gateway.Cdk.csproj")));
        Assert.Equal("../../functions/aws/.deploy", (string?)cdkJson["context"]!["asset"]);
        Assert.True(Directory.Exists(Path.GetFullPath(Path.Combine(dir, "../../functions/aws"))));
    }
}
