using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.Functions.Azure.Tests;

/// <summary>
/// The shared-cache test: two gateway processes on one store with <c>type: store</c>. An answer the first
/// process caches is a hit on the second, with the same content, a fresh id and a spend event that says what it saved.
/// One subclass per store; the emulators come from test.sh and a missing one fails the test.
/// </summary>
public abstract class CacheProcessTests : IAsyncLifetime
{
    private const string MasterKey = "sk-cache-process-master-0123456789";
    private const string Config = """
        model_list:
          - model_name: priced
            litellm_params:
              model: mock/priced-1
            model_info:
              input_cost_per_token: 0
              output_cost_per_token: 0.001
              max_output_tokens: 100
        litellm_settings:
          cache: true
          cache_params:
            type: store
        """;

    private GatewayProcess _a = null!, _b = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    protected abstract Dictionary<string, string> StoreEnvironment();

    public async Task InitializeAsync()
    {
        var dir = Directory.CreateTempSubdirectory("gateway-cache-process").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "gateway.yaml"), Config);
        var store = StoreEnvironment();
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
    public async Task An_answer_cached_by_one_process_is_a_hit_on_the_other()
    {
        const string Body = """{"model":"priced","messages":[{"role":"user","content":"shared across processes"}]}""";
        var (missHeaders, miss) = await ChatAsync(_a, Body);
        Assert.Equal("false", missHeaders.GetValues("x-gateway-cache-hit").Single());
        var (hitHeaders, hit) = await ChatAsync(_b, Body);
        Assert.Equal("true", hitHeaders.GetValues("x-gateway-cache-hit").Single());
        Assert.Matches("^[0-9a-f]{64}$", hitHeaders.GetValues("x-gateway-cache-key").Single());
        Assert.Equal(Content(miss), Content(hit));
        Assert.NotEqual(miss.GetProperty("id").GetString(), hit.GetProperty("id").GetString());

        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement hitEvent;
        while (true)
        {
            using var logs = new HttpRequestMessage(HttpMethod.Get, new Uri(_b.BaseAddress, "/spend/logs?limit=10"));
            logs.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MasterKey);
            using var r = await _http.SendAsync(logs);
            var events = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("data").EnumerateArray().ToList();
            if (events.FirstOrDefault(e => e.GetProperty("cache_hit").GetBoolean()) is { ValueKind: JsonValueKind.Object } found)
            {
                hitEvent = found.Clone();
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "no cache-hit spend event arrived");
            await Task.Delay(200);
        }
        Assert.Equal(0m, hitEvent.GetProperty("spend").GetDecimal());
        Assert.True(hitEvent.GetProperty("saved").GetDecimal() > 0m);
    }

    private static string? Content(JsonElement completion) => completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

    private async Task<(HttpResponseHeaders Headers, JsonElement Body)> ChatAsync(GatewayProcess gateway, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway.BaseAddress, "/v1/chat/completions")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MasterKey);
        using var r = await _http.SendAsync(request);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, text + "\n" + gateway.Output);
        return (r.Headers, JsonDocument.Parse(text).RootElement.Clone());
    }
}

public sealed class SqliteCacheProcessTests : CacheProcessTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new() { ["GATEWAY_STORE"] = "sqlite" }; // .gateway/ in the shared working dir
}

public sealed class TablesCacheProcessTests : CacheProcessTests
{
    protected override Dictionary<string, string> StoreEnvironment() => ProcessStores.Tables();
}

public sealed class DynamoDbCacheProcessTests : CacheProcessTests
{
    protected override Dictionary<string, string> StoreEnvironment() => ProcessStores.DynamoDb();
}
