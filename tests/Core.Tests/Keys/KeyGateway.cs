using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Keys;

/// <summary>A gateway with the master key, a priced mock model and its own store file; helpers for the management API.</summary>
public static class KeyGateway
{
    /// <summary>$0.001 per output token, input free, at most 100 output tokens: a call's cost is exactly known in advance.</summary>
    public const string PricedModels = """
          - model_name: priced
            litellm_params:
              model: mock/priced-1
            model_info:
              input_cost_per_token: 0
              output_cost_per_token: 0.001
              max_output_tokens: 100
          - model_name: other
            litellm_params:
              model: mock/other-1
        """;

    public static string NewStorePath() => Path.Combine(Path.GetTempPath(), "gw-keys-" + Guid.NewGuid().ToString("N"), "gateway.db");

    public static Task<TestGateway> StartAsync(string storePath, TimeProvider? clock = null) =>
        StartAsync(new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = storePath }, clock);

    /// <summary>
    /// With the store settings given as environment variables (GATEWAY_STORE=tables|dynamodb and friends), and optionally
    /// a clock the test controls (<see cref="TestClock"/>) instead of the system's.
    /// </summary>
    public static Task<TestGateway> StartAsync(IDictionary<string, string> env, TimeProvider? clock = null) =>
        TestGateway.StartAsync(Yaml.Config(extraModels: PricedModels), new Dictionary<string, string>(env),
            clock is null ? null : TestClock.Use(clock));

    public static async Task<JsonElement> PostAsync(this TestGateway gw, string path, string json, int expectedStatus = 200)
    {
        using var r = await gw.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == expectedStatus, $"{path}: expected {expectedStatus}, got {(int)r.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJsonAsync(this TestGateway gw, string path, int expectedStatus = 200)
    {
        using var r = await gw.Http.GetAsync(path);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == expectedStatus, $"{path}: expected {expectedStatus}, got {(int)r.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A management call made with <paramref name="key"/> (a virtual key) instead of the master key: status and JSON body.</summary>
    public static async Task<(int Status, JsonElement Body)> AsKeyAsync(this TestGateway gw, string key, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(gw.BaseAddress, path));
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        request.Headers.Authorization = new("Bearer", key);
        using var r = await Shared.SendAsync(request);
        return ((int)r.StatusCode, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>Creates a key and returns its secret.</summary>
    public static async Task<string> GenerateAsync(this TestGateway gw, string json = "{}") =>
        (await gw.PostAsync("/key/generate", json)).GetProperty("key").GetString()!;

    public static async Task<JsonElement> InfoAsync(this TestGateway gw, string key) =>
        (await gw.GetJsonAsync("/key/info?key=" + Uri.EscapeDataString(key))).GetProperty("info");

    /// <summary>A chat call with a virtual key over plain HTTP, so status, headers and error body can be checked.</summary>
    public static async Task<HttpResponseMessage> ChatAsync(this TestGateway gw, string key, string model = "priced", string extra = "", HttpClient? http = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gw.BaseAddress, "/v1/chat/completions"))
        {
            Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]{{extra}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", key);
        return await (http ?? Shared).SendAsync(request);
    }

    private static readonly HttpClient Shared = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<JsonElement> ErrorOf(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error").Clone();

    /// <summary>
    /// A key's spend events, waiting (bounded) until <paramref name="expected"/> are in: the event of a call whose
    /// client left is written as the gateway notices.
    /// </summary>
    public static async Task<List<JsonElement>> SpendEventsAsync(this TestGateway gw, string key, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var page = await gw.GetJsonAsync("/spend/logs?limit=100&api_key=" + Gateway.Keys.KeySecrets.Hash(key));
            var list = page.GetProperty("data").EnumerateArray().ToList();
            if (list.Count >= expected || DateTime.UtcNow > deadline) return list;
            await Task.Delay(100);
        }
    }
}
