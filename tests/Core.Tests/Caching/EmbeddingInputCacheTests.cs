using System.Text;
using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Caching;

/// <summary>
/// Embedding batches are cached per input: a batch that shares inputs with earlier ones sends only the new inputs
/// upstream and gets every vector back in its own order; a batch whose inputs are all known costs no upstream call.
/// The loopback upstream embeds each input to a vector of its own and prices $0.001 per input token.
/// </summary>
public sealed class EmbeddingInputCacheTests : IAsyncLifetime
{
    private FakeUpstream _up = null!;
    private TestGateway _gw = null!;

    public async Task InitializeAsync()
    {
        _up = await FakeUpstream.StartAsync((ctx, r) => OpenAIWire.WriteJsonAsync(ctx, Embed(JsonDocument.Parse(r.Body).RootElement)));
        var config = Yaml.Config(extraModels: $"""
              - model_name: emb
                litellm_params:
                  model: openai/text-embedding-3-small
                  api_base: {_up.V1}
                  api_key: sk-upstream
                model_info:
                  input_cost_per_token: 0.001
                  output_cost_per_token: 0
            """) + """

            litellm_settings:
              cache: true
              cache_params:
                type: store
            """;
        _gw = await TestGateway.StartAsync(config, new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() });
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _up.DisposeAsync();
    }

    /// <summary>One vector per input, [length, first letter, dimensions]; one prompt token per input.</summary>
    private static string Embed(JsonElement request)
    {
        var input = request.GetProperty("input");
        var texts = input.ValueKind == JsonValueKind.String ? [input.GetString()!] : input.EnumerateArray().Select(i => i.GetString()!).ToArray();
        var dims = request.TryGetProperty("dimensions", out var d) ? d.GetInt32() : 3;
        var data = texts.Select((t, i) => $$"""{"object":"embedding","index":{{i}},"embedding":[{{t.Length}},{{(int)t[0]}},{{dims}}]}""");
        return $$$"""{"object":"list","data":[{{{string.Join(",", data)}}}],"model":"text-embedding-3-small","usage":{"prompt_tokens":{{{texts.Length}}},"total_tokens":{{{texts.Length}}}}}""";
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> EmbedAsync(string inputJson, string key, string extra = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gw.BaseAddress, "/v1/embeddings"))
        {
            Content = new StringContent($$"""{"model":"emb","input":{{inputJson}}{{extra}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", key);
        var r = await _gw.Http.SendAsync(request);
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        return (r, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static string[] Vectors(JsonElement body) =>
        body.GetProperty("data").EnumerateArray().OrderBy(d => d.GetProperty("index").GetInt32()).Select(d => d.GetProperty("embedding").GetRawText()).ToArray();

    private static string Header(HttpResponseMessage r, string name) => r.Headers.TryGetValues(name, out var v) ? v.Single() : "";

    private string[] SentInputs(int call) =>
        JsonDocument.Parse(_up.Requests[call].Body).RootElement.GetProperty("input").EnumerateArray().Select(i => i.GetString()!).ToArray();

    [Fact]
    public async Task A_batch_sharing_inputs_with_an_earlier_one_sends_only_the_new_inputs_and_keeps_its_order()
    {
        var key = await _gw.GenerateAsync();
        var (_, first) = await EmbedAsync("""["alpha","bravo","charlie"]""", key);
        var (r, second) = await EmbedAsync("""["bravo","delta","alpha"]""", key);

        Assert.Equal(2, _up.Requests.Count);
        Assert.Equal(["delta"], SentInputs(1));
        Assert.Equal("2/3", Header(r, "x-gateway-cache-inputs"));
        Assert.Equal("false", Header(r, "x-gateway-cache-hit"));
        var before = Vectors(first);
        Assert.Equal([before[1], "[5,100,3]", before[0]], Vectors(second));
        Assert.Equal(1, second.GetProperty("usage").GetProperty("prompt_tokens").GetInt32()); // only delta was embedded

        // The event: priced for the one input sent, and saving what the two known inputs cost when first embedded.
        var events = await _gw.SpendEventsAsync(key, 2);
        var partial = events.Single(e => e.GetProperty("id").GetString() == Header(r, "x-gateway-request-id"));
        Assert.Equal(0.001m, partial.GetProperty("spend").GetDecimal());
        // alpha and bravo: their share of the first batch's $0.003 by length (5 + 5 of 17 characters), each rounded to 9 places
        Assert.Equal(2 * decimal.Round(0.003m * 5 / 17, 9), partial.GetProperty("saved").GetDecimal());
        Assert.False(partial.GetProperty("cache_hit").GetBoolean());
    }

    [Fact]
    public async Task A_batch_of_known_inputs_and_a_single_known_string_cost_no_upstream_call()
    {
        var key = await _gw.GenerateAsync();
        var (_, first) = await EmbedAsync("""["echo","foxtrot"]""", key);
        var (r, again) = await EmbedAsync("""["foxtrot","echo"]""", key);
        var (one, single) = await EmbedAsync("\"echo\"", key);

        Assert.Single(_up.Requests);
        Assert.Equal("true", Header(r, "x-gateway-cache-hit"));
        Assert.Equal("2/2", Header(r, "x-gateway-cache-inputs"));
        Assert.Equal(Vectors(first).Reverse(), Vectors(again));
        Assert.Equal(0, again.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal("text-embedding-3-small", again.GetProperty("model").GetString());
        Assert.Equal("true", Header(one, "x-gateway-cache-hit"));
        Assert.Equal([Vectors(first)[0]], Vectors(single));
    }

    [Fact]
    public async Task Other_settings_or_no_cache_do_not_reuse_inputs()
    {
        var key = await _gw.GenerateAsync();
        await EmbedAsync("""["golf","hotel"]""", key);
        var (r, other) = await EmbedAsync("""["golf","hotel"]""", key, extra: ""","dimensions":2""");
        Assert.Equal("0/2", Header(r, "x-gateway-cache-inputs"));
        Assert.Equal("[4,103,2]", Vectors(other)[0]);
        var (noCache, _) = await EmbedAsync("""["hotel","golf"]""", key, extra: ""","cache":{"no-cache":true}""");
        Assert.Equal("", Header(noCache, "x-gateway-cache-inputs"));
        Assert.Equal(3, _up.Requests.Count);
    }
}
