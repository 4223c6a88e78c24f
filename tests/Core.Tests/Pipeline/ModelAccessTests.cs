using System.Net;
using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Pipeline;

/// <summary>A virtual key sees and reaches only its own models; deployment details are for the master key.</summary>
public sealed class ModelAccessTests : IAsyncLifetime
{
    private TestGateway _gw = null!;

    public async Task InitializeAsync() => _gw = await KeyGateway.StartAsync(KeyGateway.NewStorePath());
    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private async Task<JsonElement> GetAsync(string key, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_gw.BaseAddress, path));
        request.Headers.Authorization = new("Bearer", key);
        using var client = new HttpClient();
        using var r = await client.SendAsync(request);
        Assert.Equal(expected, r.StatusCode);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Models_list_shows_a_key_only_its_models()
    {
        var key = await _gw.GenerateAsync("""{"models":["priced"]}""");
        var list = await GetAsync(key, "/v1/models");
        Assert.Equal(["priced"], list.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        var all = await GetAsync(_gw.MasterKey!, "/v1/models");
        Assert.Contains("other", all.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        var hidden = await GetAsync(key, "/v1/models/other", HttpStatusCode.NotFound);
        Assert.Equal("model_not_found", hidden.GetProperty("error").GetProperty("code").GetString());
        // The known models it names are the key's own.
        Assert.EndsWith("Known models: priced.", hidden.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Model_info_hides_deployment_details_from_virtual_keys()
    {
        var key = await _gw.GenerateAsync("""{"models":["priced"]}""");
        var info = await GetAsync(key, "/model/info");
        var entry = Assert.Single(info.GetProperty("data").EnumerateArray());
        Assert.Equal("priced", entry.GetProperty("model_name").GetString());
        Assert.False(entry.TryGetProperty("litellm_params", out _));
        Assert.DoesNotContain("mock/priced-1", entry.ToString());
        Assert.Equal(0.001m, entry.GetProperty("model_info").GetProperty("output_cost_per_token").GetDecimal());

        var admin = await GetAsync(_gw.MasterKey!, "/model/info");
        Assert.Contains(admin.GetProperty("data").EnumerateArray(), e => e.GetProperty("litellm_params").GetProperty("model").GetString() == "mock/priced-1");
    }

    [Fact]
    public async Task An_unknown_model_error_names_only_the_key_s_models()
    {
        var key = await _gw.GenerateAsync("""{"models":["priced"]}""");
        using var r = await _gw.ChatAsync(key, "no-such-model");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.EndsWith("Known models: priced.", (await KeyGateway.ErrorOf(r)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Every_model_endpoint_checks_model_access()
    {
        var key = await _gw.GenerateAsync("""{"models":["priced"]}""");
        foreach (var (path, body) in new[]
                 {
                     ("/v1/chat/completions", """{"model":"other","messages":[{"role":"user","content":"x"}]}"""),
                     ("/v1/embeddings", """{"model":"other","input":"x"}"""),
                     ("/v1/messages", """{"model":"other","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"""),
                     ("/v1/messages/count_tokens", """{"model":"other","messages":[{"role":"user","content":"x"}]}"""),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gw.BaseAddress, path)) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", key);
            using var client = new HttpClient();
            using var r = await client.SendAsync(request);
            Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
    }
}

/// <summary>The spend API turns a store's <c>InvalidCursorException</c> into OpenAI's 400 naming <c>cursor</c>.</summary>
public sealed class SpendCursorTests : IAsyncLifetime
{
    private TestGateway _gw = null!;

    public async Task InitializeAsync() => _gw = await KeyGateway.StartAsync(KeyGateway.NewStorePath());
    public async Task DisposeAsync() => await _gw.DisposeAsync();

    [Fact]
    public async Task A_cursor_that_is_not_ours_is_a_400_naming_it()
    {
        var error = (await _gw.GetJsonAsync("/spend/logs?cursor=nope", 400)).GetProperty("error");
        Assert.Equal("cursor", error.GetProperty("param").GetString());
        Assert.Equal("invalid_cursor", error.GetProperty("code").GetString());
    }
}
