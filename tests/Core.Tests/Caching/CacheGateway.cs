using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Caching;

/// <summary>
/// A gateway with the response cache on in front of a loopback OpenAI-format upstream that numbers its answers
/// ("answer 1", "answer 2", ...), so a test can tell a cached answer from a fresh one and count upstream calls.
/// <c>cached</c> and <c>twin</c> are priced $0.001 per output token (10 tokens an answer: $0.01); <c>emb</c> embeds.
/// </summary>
public sealed class CacheGateway : IAsyncDisposable
{
    public const decimal AnswerCost = 0.01m;

    /// <summary>What a streamed answer says after its number: long enough that a replay comes back in several deltas.</summary>
    public const string StreamTail = ": streamed, and long enough to come back from the cache in several small deltas.";
    private int _answers;

    private CacheGateway(FakeUpstream up, TestGateway gw)
    {
        Up = up;
        Gw = gw;
    }

    public FakeUpstream Up { get; }
    public TestGateway Gw { get; }
    public int UpstreamCalls => Up.Requests.Count;

    public static async Task<CacheGateway> StartAsync(string cacheParams = "", TimeProvider? clock = null, IDictionary<string, string>? env = null,
        string cacheOn = "true")
    {
        var up = await FakeUpstream.StartAsync();
        var vars = new Dictionary<string, string>(env ?? new Dictionary<string, string>());
        vars.TryAdd("GATEWAY_SQLITE_PATH", KeyGateway.NewStorePath());
        var gw = await TestGateway.StartAsync(Config(up, cacheParams, cacheOn), vars, clock is null ? null : TestClock.Use(clock));
        var cache = new CacheGateway(up, gw);
        up.Handler = cache.AnswerAsync;
        return cache;
    }

    public static string Config(FakeUpstream up, string cacheParams, string cacheOn = "true") => Yaml.Config(extraModels: $"""
          - model_name: cached
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {up.V1}
              api_key: sk-upstream-cache
            model_info:
              input_cost_per_token: 0
              output_cost_per_token: 0.001
              max_output_tokens: 100
          - model_name: twin
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {up.V1}
              api_key: sk-upstream-cache
            model_info:
              input_cost_per_token: 0
              output_cost_per_token: 0.001
              max_output_tokens: 100
          - model_name: emb
            litellm_params:
              model: openai/text-embedding-3-small
              api_base: {up.V1}
              api_key: sk-upstream-cache
        """) + $"""

        litellm_settings:
          cache: {cacheOn}
        {(cacheParams.Length == 0 ? "" : "  cache_params:\n" + string.Join("\n", cacheParams.Split('\n').Select(l => "    " + l)))}
        """;

    private Task AnswerAsync(Microsoft.AspNetCore.Http.HttpContext ctx, RecordedRequest r)
    {
        var n = Interlocked.Increment(ref _answers);
        if (r.PathAndQuery.Contains("embeddings"))
            return OpenAIWire.WriteJsonAsync(ctx, $$$"""{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.{{{n}}},0.5]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}}""");
        if (r.Body.Contains("\"stream\":true"))
            return OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["answer", " ", n.ToString(), StreamTail], includeUsage: true, prompt: 5, completion: 10));
        return OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion($"answer {n}", prompt: 5, completion: 10));
    }

    public static string Chat(string model = "cached", string content = "hi", string extra = "") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":{{JsonSerializer.Serialize(content)}}}]{{extra}}}""";

    public Task<Reply> ChatAsync(string body, string? key = null) => PostAsync("/v1/chat/completions", body, key);

    public async Task<Reply> PostAsync(string path, string body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Gw.BaseAddress, path)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? Gw.MasterKey);
        using var response = await Http.SendAsync(request);
        return new Reply((int)response.StatusCode, response.Headers, await response.Content.ReadAsStringAsync());
    }

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await Gw.DisposeAsync();
        await Up.DisposeAsync();
    }
}

/// <summary>One answer from the gateway: status, headers, body.</summary>
public sealed record Reply(int Status, HttpResponseHeaders Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
    public bool Hit => Header("x-gateway-cache-hit") == "true";
    public string? CacheKey => Header("x-gateway-cache-key");
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
    public string? Content => Json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
    public override string ToString() => $"{Status} {Body}";
}
