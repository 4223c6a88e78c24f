using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.EndToEnd;

/// <summary>The master key guards every API route; health stays open; model listings never show secrets.</summary>
public sealed class AuthAndDiscoveryTests : UpstreamGatewayTest
{
    private const string Chat = """{"model":"mock","messages":[{"role":"user","content":"x"}]}""";
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Action<HttpRequestHeaders>? headers = null, string? body = null)
    {
        using var client = new HttpClient { BaseAddress = Gw.BaseAddress };
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body);
        headers?.Invoke(request.Headers);
        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData("POST", "/v1/chat/completions")]
    [InlineData("POST", "/v1/embeddings")]
    [InlineData("GET", "/v1/models")]
    [InlineData("GET", "/v1/models/mock")]
    [InlineData("GET", "/model/info")]
    public async Task Api_routes_need_the_master_key(string method, string path)
    {
        using var none = await SendAsync(new HttpMethod(method), path, body: method == "POST" ? Chat : null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("invalid_api_key", await none.Content.ReadAsStringAsync());
        using var wrong = await SendAsync(new HttpMethod(method), path, h => h.Authorization = new("Bearer", "sk-wrong"), method == "POST" ? Chat : null);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Incorrect API key", await wrong.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Authorization", "Bearer " + Yaml.MasterKey)]
    [InlineData("api-key", Yaml.MasterKey)]
    [InlineData("x-api-key", Yaml.MasterKey)]
    public async Task Master_key_is_accepted_in_each_sdk_header(string header, string value)
    {
        using var response = await SendAsync(HttpMethod.Post, "/v1/chat/completions", h => h.TryAddWithoutValidation(header, value), Chat);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_master_key_is_never_sent_upstream()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("ok"));
        await Gw.Http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}"""));
        Assert.DoesNotContain(Up.Last.Headers.Values, v => v.Contains(Yaml.MasterKey));
    }

    [Theory]
    [InlineData("/health/liveliness")]
    [InlineData("/health/liveness")]
    [InlineData("/health/readiness")]
    public async Task Health_needs_no_key(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_reports_models_and_auth()
    {
        using var doc = JsonDocument.Parse(await Gw.Http.GetStringAsync("/health/readiness"));
        Assert.Equal("healthy", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("connected", doc.RootElement.GetProperty("db").GetString());
        Assert.Equal(4, doc.RootElement.GetProperty("models").GetInt32());
        Assert.Equal("master_key", doc.RootElement.GetProperty("auth").GetString());
    }

    [Fact]
    public async Task Models_list_and_get()
    {
        using var list = JsonDocument.Parse(await Gw.Http.GetStringAsync("/v1/models"));
        Assert.Equal("list", list.RootElement.GetProperty("object").GetString());
        var ids = list.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(["mock", "mock-embedding", "gpt-4o-mini", "text-embedding-3-small"], ids);

        using var one = JsonDocument.Parse(await Gw.Http.GetStringAsync("/v1/models/gpt-4o-mini"));
        Assert.Equal("model", one.RootElement.GetProperty("object").GetString());
        Assert.Equal("openai", one.RootElement.GetProperty("owned_by").GetString());

        using var missing = await Gw.Http.GetAsync("/v1/models/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Sdk_lists_models()
    {
        var models = await Gw.OpenAI().GetOpenAIModelClient().GetModelsAsync();
        Assert.Contains(models.Value, m => m.Id == "gpt-4o-mini");
    }

    [Fact]
    public async Task Model_info_shows_params_but_never_keys()
    {
        var text = await Gw.Http.GetStringAsync("/model/info");
        Assert.DoesNotContain("sk-upstream-secret-key", text);
        Assert.DoesNotContain("api_key", text);
        using var doc = JsonDocument.Parse(text);
        var gpt = doc.RootElement.GetProperty("data").EnumerateArray().First(e => e.GetProperty("model_name").GetString() == "gpt-4o-mini");
        Assert.Equal("openai/gpt-4o-mini", gpt.GetProperty("litellm_params").GetProperty("model").GetString());
        Assert.Equal(Up.V1, gpt.GetProperty("litellm_params").GetProperty("api_base").GetString());
        Assert.Equal(5, gpt.GetProperty("litellm_params").GetProperty("timeout").GetDouble());
    }

    [Fact]
    public async Task Without_a_master_key_calls_need_no_key()
    {
        await using var open = await TestGateway.StartAsync(Yaml.Config(masterKey: false));
        using var client = new HttpClient { BaseAddress = open.BaseAddress };
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(Chat));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var ready = JsonDocument.Parse(await client.GetStringAsync("/health/readiness"));
        Assert.Equal("off", ready.RootElement.GetProperty("auth").GetString());
    }

    [Fact]
    public async Task Master_key_from_the_environment_overrides_the_file()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(), new Dictionary<string, string> { ["GATEWAY_MASTER_KEY"] = "sk-from-env" });
        using var client = new HttpClient { BaseAddress = gw.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", "sk-from-env");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/chat/completions", new StringContent(Chat))).StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", Yaml.MasterKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/v1/chat/completions", new StringContent(Chat))).StatusCode);
    }
}
