using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Xunit.Abstractions;

namespace Gateway.Functions.Azure.Tests;

/// <summary>
/// Issue 14's sharing test with two gateway OS processes on one store: once process A trips the breaker of a deployment,
/// process B stops sending to it within its background read of the shared state (once a second), never having seen
/// the deployment fail itself. The "dead" deployment fails only for A's calls (its api_base path names the process), so
/// B can learn of the outage from the store alone. One subclass per store; the emulators come from test.sh.
/// </summary>
public abstract class SharedCooldownProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string MasterKey = "sk-cooldown-master-0123456789";
    private readonly HttpListener _upstream = new();
    private readonly ConcurrentQueue<(string Instance, long At)> _deadCalls = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-cooldown-process").FullName;
    private GatewayProcess _a = null!, _b = null!;
    private int _port;

    protected abstract Dictionary<string, string> StoreEnvironment(string workDir);

    public async Task InitializeAsync()
    {
        _port = GatewayProcess.FreePort();
        _upstream.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _upstream.Start();
        _ = Task.Run(ServeAsync);
        var store = StoreEnvironment(_dir);
        _a = await StartAsync("a", store);
        _b = await StartAsync("b", store);
    }

    private async Task<GatewayProcess> StartAsync(string instance, Dictionary<string, string> store)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, instance)).FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "gateway.yaml"), $$"""
            model_list:
              - model_name: pair
                litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:{{_port}}/good/v1", api_key: sk-upstream }
                model_info: { id: good }
              - model_name: pair
                litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:{{_port}}/{{instance}}/v1", api_key: sk-upstream }
                model_info: { id: dead }
            router_settings:
              allowed_fails: 0
              cooldown_time: 60
              num_retries: 1
            """);
        var port = GatewayProcess.FreePort();
        var env = new Dictionary<string, string>(store) { ["PORT"] = port.ToString(), ["GATEWAY_MASTER_KEY"] = MasterKey };
        return await GatewayProcess.StartAsync("dotnet", [Path.Combine(Repo.HostBuildOutput(), "gateway.dll")], dir, port, env);
    }

    /// <summary>An OpenAI-format upstream: /good answers, /a answers 500 (the outage A sees), /b answers and is counted.</summary>
    private async Task ServeAsync()
    {
        while (_upstream.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _upstream.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            var instance = ctx.Request.Url!.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[0];
            if (instance != "good") _deadCalls.Enqueue((instance, Stopwatch.GetTimestamp()));
            var failing = instance == "a";
            var body = failing
                ? """{"error":{"message":"upstream down","type":"server_error","param":null,"code":null}}"""
                : """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""";
            ctx.Response.StatusCode = failing ? 500 : 200;
            ctx.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _upstream.Stop();
        _upstream.Close();
        _http.Dispose();
    }

    private int DeadCalls(string instance) => _deadCalls.Count(c => c.Instance == instance);

    private async Task CallAsync(GatewayProcess gw)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gw.BaseAddress, "/v1/chat/completions"))
        {
            Content = new StringContent("""{"model":"pair","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MasterKey);
        using var r = await _http.SendAsync(request);
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}\n{gw.Output}");
    }

    [Fact]
    public async Task A_breaker_tripped_in_one_process_takes_the_deployment_out_of_the_other()
    {
        // B routes to both deployments while nothing is shared.
        for (var i = 0; i < 60 && DeadCalls("b") == 0; i++) await CallAsync(_b);
        Assert.True(DeadCalls("b") > 0, "B never picked the second deployment");

        // A trips the breaker on its first failure (allowed_fails 0); its own call still succeeds on the other deployment.
        for (var i = 0; i < 200 && DeadCalls("a") == 0; i++) await CallAsync(_a);
        Assert.True(DeadCalls("a") > 0, "A never picked the failing deployment");
        var tripped = _deadCalls.First(c => c.Instance == "a").At;

        // B keeps calling for 5 s. Every call succeeds; once B has read the shared state, none reaches the deployment.
        var end = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
        var sent = 0;
        while (Stopwatch.GetTimestamp() < end)
        {
            await CallAsync(_b);
            sent++;
            await Task.Delay(20);
        }
        var afterTrip = _deadCalls.Where(c => c.Instance == "b" && c.At > tripped).Select(c => c.At).ToList();
        var delay = afterTrip.Count == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(tripped, afterTrip.Max());
        output.WriteLine($"B: {sent} calls in 5 s after A tripped the breaker; {afterTrip.Count} reached the deployment, the last {delay.TotalMilliseconds:0} ms after the trip");
        // One read a second, plus the publish and a loaded CI machine's scheduling: well inside 3 s, and nothing after.
        Assert.True(delay < TimeSpan.FromSeconds(3), $"B still sent to the deployment {delay.TotalMilliseconds:0} ms after A tripped it");
        Assert.True(sent >= 20, $"B made only {sent} calls");
    }
}

public sealed class SqliteSharedCooldownProcessTests(ITestOutputHelper output) : SharedCooldownProcessTests(output)
{
    protected override Dictionary<string, string> StoreEnvironment(string workDir) => new() { ["GATEWAY_SQLITE_PATH"] = Path.Combine(workDir, "shared.db") };
}

public sealed class TablesSharedCooldownProcessTests(ITestOutputHelper output) : SharedCooldownProcessTests(output)
{
    protected override Dictionary<string, string> StoreEnvironment(string workDir) => ProcessStores.Tables();
}

public sealed class DynamoDbSharedCooldownProcessTests(ITestOutputHelper output) : SharedCooldownProcessTests(output)
{
    protected override Dictionary<string, string> StoreEnvironment(string workDir) => ProcessStores.DynamoDb();
}
