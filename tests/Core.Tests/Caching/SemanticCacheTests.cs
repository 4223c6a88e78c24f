using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Caching;

/// <summary>
/// <c>type: semantic</c> with a loopback embedding model made deterministic: a bag of words (lower case, letters only,
/// a few stop words, the role label and a contraction folded) hashed into 32 dimensions, so a paraphrase with the same content words embeds to the
/// same direction and an unrelated prompt to another. A paraphrase above the threshold is answered from the cache, an
/// unrelated or merely related prompt is not, and each embedding is priced and logged as its own call.
/// </summary>
public sealed class SemanticCacheTests : IAsyncLifetime
{
    private FakeUpstream _up = null!;
    private TestGateway _gw = null!;
    private int _answers;

    public async Task InitializeAsync()
    {
        _up = await UpstreamAsync(() => Interlocked.Increment(ref _answers));
        var config = Config(_up);
        _gw = await TestGateway.StartAsync(config, new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() });
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _up.DisposeAsync();
    }

    private int ChatCalls => _up.Requests.Count(r => !r.PathAndQuery.Contains("embeddings"));
    private int EmbeddingCalls => _up.Requests.Count(r => r.PathAndQuery.Contains("embeddings"));

    [Fact]
    public async Task A_paraphrase_above_the_threshold_hits_and_an_unrelated_prompt_misses()
    {
        var c = new Caller(_gw);
        Assert.Equal("answer 1", (await c.AskAsync("What is the capital of France?")).Content);

        var paraphrase = await c.AskAsync("what's the capital city of France");
        Assert.True(paraphrase.Hit, paraphrase.ToString());
        Assert.Equal("answer 1", paraphrase.Content);
        Assert.True(double.Parse(paraphrase.Header("x-gateway-semantic-similarity")!, System.Globalization.CultureInfo.InvariantCulture) >= 0.95);

        var unrelated = await c.AskAsync("Write a haiku about autumn leaves");
        Assert.False(unrelated.Hit);
        Assert.Equal("answer 2", unrelated.Content);
        var related = await c.AskAsync("What is the capital of France today?");    // cosine 0.87: below 0.95
        Assert.False(related.Hit);
        Assert.Null(related.Header("x-gateway-semantic-similarity"));
        Assert.Equal(3, ChatCalls);
        Assert.Equal(4, EmbeddingCalls);

        // An exact repeat is found by its key: no embedding call.
        Assert.True((await c.AskAsync("What is the capital of France?")).Hit);
        Assert.Equal(4, EmbeddingCalls);
    }

    [Fact]
    public async Task A_paraphrase_with_other_settings_or_another_model_group_misses()
    {
        var c = new Caller(_gw);
        await c.AskAsync("Name the largest planet", extra: ""","max_tokens":50""");
        Assert.False((await c.AskAsync("name the largest planet please", extra: ""","max_tokens":60""")).Hit);
        Assert.True((await c.AskAsync("name the largest planet please", extra: ""","max_tokens":50""")).Hit);
    }

    [Fact]
    public async Task Each_embedding_is_priced_and_logged_as_its_own_call()
    {
        var key = await _gw.GenerateAsync();
        var c = new Caller(_gw, key);
        await c.AskAsync("How many legs does a spider have?");
        var hit = await c.AskAsync("how many legs does a spider have");
        Assert.True(hit.Hit);
        var events = await _gw.SpendEventsAsync(key, 4);
        var embeddings = events.Where(e => e.GetProperty("call_type").GetString() == "embedding").ToList();
        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e =>
        {
            Assert.Equal("embedder", e.GetProperty("model").GetString());
            Assert.True(e.GetProperty("spend").GetDecimal() > 0m);
            Assert.False(e.GetProperty("cache_hit").GetBoolean());
        });
        var chats = events.Where(e => e.GetProperty("call_type").GetString() == "chat_completion").ToList();
        Assert.Equal(2, chats.Count);
        // Each embedding carries the trace of the chat call it served.
        Assert.Equal(chats.Select(e => e.GetProperty("trace_id").GetString()).Order(), embeddings.Select(e => e.GetProperty("trace_id").GetString()).Order());
        var cached = chats.Single(e => e.GetProperty("cache_hit").GetBoolean());
        Assert.Equal(CacheGateway.AnswerCost, cached.GetProperty("saved").GetDecimal());
    }

    /// <summary>A chat group <c>cached</c> and an embedding group <c>embedder</c> on one loopback upstream, with the semantic cache on.</summary>
    internal static string Config(FakeUpstream up) => Yaml.Config(extraModels: $"""
          - model_name: cached
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {up.V1}
              api_key: sk-upstream
            model_info:
              input_cost_per_token: 0
              output_cost_per_token: 0.001
          - model_name: embedder
            litellm_params:
              model: openai/text-embedding-3-small
              api_base: {up.V1}
              api_key: sk-upstream
            model_info:
              input_cost_per_token: 0.001
              output_cost_per_token: 0
        """) + """

        litellm_settings:
          cache: true
          cache_params:
            type: semantic
            semantic_cache_embedding_model: embedder
            similarity_threshold: 0.95
        """;

    /// <summary>A loopback upstream: embeddings by <see cref="Embedding"/>, chat answers numbered in order.</summary>
    internal static Task<FakeUpstream> UpstreamAsync(Func<int> nextAnswer) => FakeUpstream.StartAsync((ctx, r) => r.PathAndQuery.Contains("embeddings")
        ? OpenAIWire.WriteJsonAsync(ctx, Embedding(JsonDocument.Parse(r.Body).RootElement.GetProperty("input").GetString()!))
        : OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion($"answer {nextAnswer()}", prompt: 5, completion: 10)));

    /// <summary>The deterministic embedding: content words hashed into 32 buckets, counted.</summary>
    internal static string Embedding(string text)
    {
        string[] stop = ["user", "the", "a", "an", "is", "of", "city", "please", "s", "does"];
        var v = new double[32];
        foreach (var raw in System.Text.RegularExpressions.Regex.Split(text.ToLowerInvariant().Replace("what's", "what"), "[^a-z]+"))
        {
            if (raw.Length == 0 || stop.Contains(raw)) continue;
            var h = raw.Aggregate(17, (acc, ch) => unchecked(acc * 31 + ch));
            v[(int)((uint)h % 32)] += 1;
        }
        return $$$"""{"object":"list","data":[{"object":"embedding","index":0,"embedding":[{{{string.Join(",", v.Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)))}}}]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":{{{text.Length / 4 + 1}}},"total_tokens":{{{text.Length / 4 + 1}}}}}""";
    }

    internal sealed class Caller(TestGateway gw, string? key = null)
    {
        private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

        public async Task<Reply> AskAsync(string prompt, string extra = "")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gw.BaseAddress, "/v1/chat/completions"))
            {
                Content = new StringContent(CacheGateway.Chat(content: prompt, extra: extra), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", key ?? gw.MasterKey);
            using var r = await Http.SendAsync(request);
            return new Reply((int)r.StatusCode, r.Headers, await r.Content.ReadAsStringAsync());
        }
    }
}
