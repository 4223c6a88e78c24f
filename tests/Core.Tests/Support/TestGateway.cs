using System.ClientModel;
using System.ClientModel.Primitives;
using Gateway.Config;
using Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace Gateway.Tests.Support;

/// <summary>The real gateway on Kestrel, on a free loopback port, with a config given as YAML text.</summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGateway(WebApplication app, Uri baseAddress, string? masterKey)
    {
        _app = app;
        BaseAddress = baseAddress;
        MasterKey = masterKey;
        Http = new HttpClient { BaseAddress = baseAddress };
        if (masterKey is not null) Http.DefaultRequestHeaders.Authorization = new("Bearer", masterKey);
    }

    public Uri BaseAddress { get; }

    /// <summary>The config the gateway runs with (its warnings and notices included).</summary>
    public GatewayConfig Config => (GatewayConfig)_app.Services.GetService(typeof(GatewayConfig))!;

    /// <summary>The app's services, for reading what it stored (spend logs, keys) the way its own API does.</summary>
    public IServiceProvider Services => _app.Services;
    public string? MasterKey { get; }

    /// <summary>A client that sends the master key (if any) on every request.</summary>
    public HttpClient Http { get; }

    public static Task<TestGateway> StartAsync(string yaml, IDictionary<string, string>? env = null, Action<IServiceCollection>? services = null) =>
        StartAsync(env, services, e => GatewayConfigLoader.Parse(yaml, "test.yaml", e));

    /// <summary>A gateway reading its config from a file, as a deployment does (its <c>include:</c> paths are relative to it).</summary>
    public static Task<TestGateway> StartFromFileAsync(string path, IDictionary<string, string>? env = null) =>
        StartAsync(env, null, e => GatewayConfigLoader.Load(path, e));

    private static async Task<TestGateway> StartAsync(IDictionary<string, string>? env, Action<IServiceCollection>? services, Func<Func<string, string?>, GatewayConfig> load)
    {
        var vars = new Dictionary<string, string>(env ?? new Dictionary<string, string>());
        // Each gateway gets its own embedded database (keys and spend), unless the test shares one on purpose.
        vars.TryAdd("GATEWAY_SQLITE_PATH", Path.Combine(Path.GetTempPath(), "gw-test-" + Guid.NewGuid().ToString("N"), "gateway.db"));
        string? Env(string name) => vars.GetValueOrDefault(name);
        var config = load(Env);
        var app = GatewayApp.Build(["--urls", "http://127.0.0.1:0"], new GatewayHostOptions
        {
            Config = config,
            Environment = Env,
            ConfigureServices = services,
        });
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new TestGateway(app, address, vars.GetValueOrDefault("GATEWAY_MASTER_KEY") ?? vars.GetValueOrDefault("LITELLM_MASTER_KEY") ?? config.MasterKey);
    }

    /// <summary>The official OpenAI .NET SDK pointed at this gateway, with its own retries off so tests see each answer.</summary>
    public OpenAIClient OpenAI(string? key = null) => new(
        new ApiKeyCredential(key ?? MasterKey ?? "sk-anything"),
        new OpenAIClientOptions
        {
            Endpoint = new Uri(BaseAddress, "/v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromSeconds(30),
        });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
