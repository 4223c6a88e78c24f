using System.Net.Http.Headers;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Functions.Aws.Tests;

/// <summary>
/// The published AOT package run as Lambda runs it: the real <c>bootstrap</c> script with <c>LAMBDA_TASK_ROOT</c> = the
/// publish folder and the environment the CDK stack and Lambda give the function (role credentials, region, the
/// adapter's port), stores in dynalite under a fresh table prefix, the master key in a loopback SSM, and a config with
/// a Bedrock deployment on a loopback Bedrock and an OpenAI-compatible one whose key is an SSM secret.
/// test.sh publishes the package and sets GATEWAY_AWS_AOT_BINARY and GATEWAY_TEST_DYNALITE; without them these tests fail.
/// </summary>
public sealed class LambdaGateway : IAsyncDisposable
{
    public const string MasterKeyParameter = "/gateway/test/master-key";
    public const string CompatKeyParameter = "/gateway/test/COMPAT_API_KEY";
    public const string BedrockModel = "haiku";
    public const string BedrockModelId = "anthropic.claude-3-5-haiku-20241022-v1:0";
    public const string CompatModel = "compat";
    public const string Tenant = "t";

    private readonly string _dir;

    private LambdaGateway(string dir, FakeSsm ssm, FakeBedrock bedrock, FakeUpstream compat, string prefix, string masterKey, string compatKey)
    {
        _dir = dir;
        Ssm = ssm;
        Bedrock = bedrock;
        Compat = compat;
        TablePrefix = prefix;
        MasterKey = masterKey;
        CompatKey = compatKey;
    }

    public FakeSsm Ssm { get; }
    public FakeBedrock Bedrock { get; }
    public FakeUpstream Compat { get; }
    public string TablePrefix { get; }
    public string MasterKey { get; }
    public string CompatKey { get; }
    public GatewayProcess Process { get; private set; } = null!;
    public Uri BaseAddress => Process.BaseAddress;

    /// <summary>The published binary (test.sh: <c>$RESULTS/aot-aws/bootstrap-gateway</c>).</summary>
    public static string Binary()
    {
        var path = Environment.GetEnvironmentVariable("GATEWAY_AWS_AOT_BINARY");
        Assert.False(string.IsNullOrEmpty(path), "GATEWAY_AWS_AOT_BINARY is not set: run ./test.sh, which publishes the AWS AOT binary first.");
        Assert.True(File.Exists(path), $"GATEWAY_AWS_AOT_BINARY points at a missing file: {path}");
        return path!;
    }

    public static string Dynalite()
    {
        var url = Environment.GetEnvironmentVariable("GATEWAY_TEST_DYNALITE");
        Assert.False(string.IsNullOrEmpty(url), "GATEWAY_TEST_DYNALITE is not set: run ./test.sh, which starts dynalite.");
        return url!;
    }

    /// <summary>The Lambda package folder with its <c>bootstrap</c> (copied from the source tree when the publish left it out), executable as Lambda needs it.</summary>
    public static string Bootstrap()
    {
        var root = Path.GetDirectoryName(Binary())!;
        var bootstrap = Path.Combine(root, "bootstrap");
        if (!File.Exists(bootstrap)) File.Copy(Repo.BootstrapScript, bootstrap);
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("The Lambda package runs on Linux.");
        var mode = File.GetUnixFileMode(bootstrap);
        if ((mode & UnixFileMode.UserExecute) == 0) File.SetUnixFileMode(bootstrap, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return bootstrap;
    }

    /// <summary>Fakes up, config written, environment ready; <see cref="StartAsync"/> or <see cref="RunToExitAsync"/> then runs the package.</summary>
    public static async Task<LambdaGateway> CreateAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var dir = Directory.CreateTempSubdirectory("gw-aws-").FullName;
        var ssm = await FakeSsm.StartAsync();
        var bedrock = await FakeBedrock.StartAsync();
        var compatKey = "sk-compat-" + suffix;
        var compat = await FakeUpstream.StartAsync(async (ctx, r) =>
        {
            ctx.Response.StatusCode = r.Header("authorization") == "Bearer " + compatKey ? 200 : 401;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(OpenAIWire.Completion("compat says hi"));
        });
        var gw = new LambdaGateway(dir, ssm, bedrock, compat, "gwt" + suffix, "sk-master-" + suffix, compatKey);
        ssm.Parameters[MasterKeyParameter] = gw.MasterKey;
        ssm.Parameters[CompatKeyParameter] = compatKey;
        await File.WriteAllTextAsync(gw.ConfigPath, $"""
            model_list:
              - model_name: {BedrockModel}
                litellm_params:
                  model: bedrock/{BedrockModelId}
                  api_base: {bedrock.Url}
                  timeout: 30
              - model_name: {CompatModel}
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_base: {compat.V1}
                  api_key: os.environ/COMPAT_API_KEY
                  timeout: 30
            """);
        return gw;
    }

    public string ConfigPath => Path.Combine(_dir, "gateway.yaml");

    /// <summary>What Lambda and the stack give the function (docs/deploy-aws.md, "What the function gets").</summary>
    public Dictionary<string, string> LambdaEnvironment(int port) => new()
    {
        ["LAMBDA_TASK_ROOT"] = Path.GetDirectoryName(Binary())!,
        ["AWS_LAMBDA_FUNCTION_NAME"] = "gateway-test",
        ["AWS_ACCESS_KEY_ID"] = FakeBedrock.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = FakeBedrock.SecretKey,
        ["AWS_SESSION_TOKEN"] = FakeBedrock.SessionToken,
        ["AWS_REGION"] = FakeBedrock.Region,
        ["AWS_DEFAULT_REGION"] = FakeBedrock.Region,
        ["AWS_LWA_PORT"] = port.ToString(),
        ["AWS_LWA_READINESS_CHECK_PATH"] = "/health/liveliness",
        ["AWS_LWA_INVOKE_MODE"] = "response_stream",
        ["AWS_LWA_PASS_THROUGH_PATH"] = "/events",
        ["AWS_ENDPOINT_URL_SSM"] = Ssm.Url,
        ["GATEWAY_TENANT"] = Tenant,
        ["GATEWAY_STORE"] = "dynamodb",
        ["GATEWAY_DYNAMODB_ENDPOINT"] = Dynalite(),
        ["GATEWAY_TABLE_PREFIX"] = TablePrefix,
        ["GATEWAY_DYNAMODB_TABLE"] = TablePrefix + "-governance",
        ["GATEWAY_SPEND_SINK"] = "dynamodb",
        ["GATEWAY_SPEND_TABLE"] = TablePrefix + "-spend",
        ["GATEWAY_MASTER_KEY_PARAMETER"] = MasterKeyParameter,
        ["GATEWAY_SECRET_PARAMETERS"] = "COMPAT_API_KEY=" + CompatKeyParameter,
        ["GATEWAY_CONFIG"] = ConfigPath,
    };

    public async Task<LambdaGateway> StartAsync(Action<Dictionary<string, string>>? change = null)
    {
        var port = GatewayProcess.FreePort();
        var env = LambdaEnvironment(port);
        change?.Invoke(env);
        Process = await GatewayProcess.StartAsync(Bootstrap(), [], _dir, port, env);
        return this;
    }

    public async Task<(int ExitCode, string Output)> RunToExitAsync(Action<Dictionary<string, string>> change)
    {
        var env = LambdaEnvironment(GatewayProcess.FreePort());
        change(env);
        return await GatewayProcess.RunToExitAsync(Bootstrap(), [], _dir, env);
    }

    /// <summary>A client of the Function URL (its requests arrive as the adapter forwards them); with a key when given.</summary>
    public HttpClient Client(string? key = null)
    {
        var http = new HttpClient(new LambdaWebAdapter.FunctionUrlHandler()) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>The test's own DynamoDB client on dynalite, to read what the gateway wrote.</summary>
    public static AmazonDynamoDBClient Dynamo() =>
        new(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig { ServiceURL = Dynalite(), AuthenticationRegion = FakeBedrock.Region });

    public async ValueTask DisposeAsync()
    {
        if (Process is not null) await Process.DisposeAsync();
        await Ssm.DisposeAsync();
        await Bedrock.DisposeAsync();
        await Compat.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
