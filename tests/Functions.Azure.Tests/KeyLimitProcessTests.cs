using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.Functions.Azure.Tests;

/// <summary>
/// The concurrency test: two gateway processes sharing one store take 200 concurrent calls on one key whose
/// budget allows 50 (and, separately, whose rpm allows 30). The limits hold across both processes: spend never
/// exceeds the budget, exactly the allowed number succeed, no settle is lost, every refusal carries the right error.
/// One subclass per store; the emulators come from test.sh and a missing one fails the test.
/// </summary>
public abstract class KeyLimitProcessTests : IAsyncLifetime
{
    private const string MasterKey = "sk-process-master-0123456789";
    private const string Config = """
        model_list:
          - model_name: priced
            litellm_params:
              model: mock/priced-1
            model_info:
              input_cost_per_token: 0
              output_cost_per_token: 0.001
              max_output_tokens: 100
        """;

    private GatewayProcess _a = null!, _b = null!;
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 100 }) { Timeout = TimeSpan.FromSeconds(120) };

    protected abstract Dictionary<string, string> StoreEnvironment(string workDir);

    public async Task InitializeAsync()
    {
        var dir = Directory.CreateTempSubdirectory("gateway-keys-process").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "gateway.yaml"), Config);
        var store = StoreEnvironment(dir);
        _a = await StartAsync(dir, store);
        _b = await StartAsync(dir, store);
    }

    private static Task<GatewayProcess> StartAsync(string dir, Dictionary<string, string> store)
    {
        var port = GatewayProcess.FreePort();
        var env = new Dictionary<string, string>(store) { ["PORT"] = port.ToString(), ["GATEWAY_MASTER_KEY"] = MasterKey };
        return GatewayProcess.StartAsync("dotnet", [Path.Combine(Repo.HostBuildOutput(), "gateway.dll")], dir, port, env);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task A_budget_for_fifty_calls_admits_exactly_fifty_of_two_hundred_across_two_processes()
    {
        // One output token at $0.001 reserved (max_tokens 1) and charged (the mock answers "ok", one token): $0.05 = 50 calls.
        var key = await GenerateAsync("""{"max_budget":0.05}""");
        var results = await BlastAsync(key, 200, ",\"max_tokens\":1,\"mock_response\":\"ok\"");
        Assert.Equal(50, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.Status);
            Assert.Equal("budget_exceeded", r.ErrorType);
        });
        var info = await InfoAsync(key);
        Assert.Equal(0.05m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        Assert.Equal(0, info.GetProperty("parallel_requests").GetInt64());
    }

    [Fact]
    public async Task An_rpm_of_thirty_holds_across_two_processes()
    {
        var second = DateTime.UtcNow.Second;
        if (second >= 45) await Task.Delay(TimeSpan.FromSeconds(61 - second)); // stay inside one UTC minute
        var key = await GenerateAsync("""{"rpm_limit":30}""");
        var results = await BlastAsync(key, 200, "");
        Assert.Equal(30, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.Status);
            Assert.NotNull(r.RetryAfter);
        });
        Assert.Equal(30, (await InfoAsync(key)).GetProperty("requests_this_minute").GetInt64());
    }

    private async Task<string> GenerateAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_a.BaseAddress, "/key/generate")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MasterKey);
        using var r = await _http.SendAsync(request);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, text + "\n" + _a.Output);
        return JsonDocument.Parse(text).RootElement.GetProperty("key").GetString()!;
    }

    private async Task<JsonElement> InfoAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_b.BaseAddress, "/key/info?key=" + key));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MasterKey);
        using var r = await _http.SendAsync(request);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("info").Clone();
    }

    private async Task<(HttpStatusCode Status, string? ErrorType, string? RetryAfter)[]> BlastAsync(string key, int count, string extra)
    {
        var start = new TaskCompletionSource();
        var calls = Enumerable.Range(0, count).Select(async i =>
        {
            await start.Task;
            var target = i % 2 == 0 ? _a : _b;
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target.BaseAddress, "/v1/chat/completions"))
            {
                Content = new StringContent($$"""{"model":"priced","messages":[{"role":"user","content":"hi"}]{{extra}}}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var r = await _http.SendAsync(request);
            var body = await r.Content.ReadAsStringAsync();
            var type = r.IsSuccessStatusCode ? null : JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("type").GetString();
            return (r.StatusCode, type, r.Headers.RetryAfter?.ToString());
        }).ToArray();
        start.SetResult();
        return await Task.WhenAll(calls);
    }
}

public sealed class SqliteKeyLimitProcessTests : KeyLimitProcessTests
{
    protected override Dictionary<string, string> StoreEnvironment(string workDir) => new() { ["GATEWAY_STORE"] = "sqlite" }; // .gateway/ in the shared working dir
}

public sealed class TablesKeyLimitProcessTests : KeyLimitProcessTests
{
    protected override Dictionary<string, string> StoreEnvironment(string workDir) => ProcessStores.Tables();
}

public sealed class DynamoDbKeyLimitProcessTests : KeyLimitProcessTests
{
    protected override Dictionary<string, string> StoreEnvironment(string workDir) => ProcessStores.DynamoDb();
}
