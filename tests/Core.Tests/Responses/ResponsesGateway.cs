using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Responses;

/// <summary>
/// One gateway in front of all four providers' fakes, scripted as <see cref="WeatherFakes"/>: <c>gpt-native</c> (OpenAI,
/// Responses API native), <c>gpt-chat</c> (OpenAI with <c>supported_endpoints</c> naming chat only, so bridged),
/// <c>claude</c> (Anthropic), <c>gemini</c> and <c>bedrock-claude</c> (Bedrock Converse).
/// </summary>
public sealed class ResponsesGateway : IAsyncDisposable
{
    public static readonly string[] Models = ["gpt-native", "claude", "gemini", "bedrock-claude"];

    public FakeUpstream OpenAI { get; private init; } = null!;
    public FakeUpstream Anthropic { get; private init; } = null!;
    public FakeUpstream Gemini { get; private init; } = null!;
    public FakeBedrock Bedrock { get; private init; } = null!;
    public TestGateway Gw { get; private init; } = null!;

    /// <param name="store">Environment naming the store (GATEWAY_STORE and its settings); the embedded SQLite file when null.</param>
    /// <param name="general">Extra <c>general_settings</c> lines; <paramref name="clock"/> replaces the gateway's clock.</param>
    public static async Task<ResponsesGateway> StartAsync(IDictionary<string, string>? store = null, string general = "", TimeProvider? clock = null)
    {
        var openai = await FakeUpstream.StartAsync(WeatherFakes.OpenAI);
        var anthropic = await FakeUpstream.StartAsync(WeatherFakes.Anthropic);
        var gemini = await FakeUpstream.StartAsync(WeatherFakes.Gemini);
        var bedrock = await FakeBedrock.StartAsync();
        bedrock.Respond = WeatherFakes.Bedrock;
        var yaml = $"""
            model_list:
              - model_name: gpt-native
                litellm_params:
                  model: openai/gpt-4.1
                  api_base: {openai.V1}
                  api_key: sk-upstream-secret-key
                  timeout: 10
              - model_name: gpt-chat
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_base: {openai.V1}
                  api_key: sk-upstream-secret-key
                  timeout: 10
                model_info:
                  supported_endpoints: ["/v1/chat/completions"]
              - model_name: gpt-pair
                litellm_params:
                  model: openai/gpt-4.1
                  api_base: {openai.V1}
                  api_key: sk-upstream-secret-key
                  timeout: 10
                model_info:
                  id: pair-a
              - model_name: gpt-pair
                litellm_params:
                  model: openai/gpt-4.1
                  api_base: {openai.V1}
                  api_key: sk-upstream-secret-key
                  timeout: 10
                model_info:
                  id: pair-b
              - model_name: claude
                litellm_params:
                  model: anthropic/claude-sonnet-4-5
                  api_base: {anthropic.BaseAddress.ToString().TrimEnd('/')}
                  api_key: {AnthropicWire.ApiKey}
                  timeout: 10
              - model_name: gemini
                litellm_params:
                  model: gemini/gemini-2.5-flash
                  api_base: {gemini.BaseAddress.ToString().TrimEnd('/')}/v1beta
                  api_key: {GeminiWire.ApiKey}
                  timeout: 10
              - model_name: bedrock-claude
                litellm_params:
                  model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
                  timeout: 10
            general_settings:
              master_key: {Yaml.MasterKey}
            {general}
            """;
        var env = bedrock.LambdaEnvironment();
        foreach (var (k, v) in store ?? new Dictionary<string, string>()) env[k] = v;
        var gw = await TestGateway.StartAsync(yaml, env, clock is null ? null : TestClock.Use(clock));
        return new ResponsesGateway { OpenAI = openai, Anthropic = anthropic, Gemini = gemini, Bedrock = bedrock, Gw = gw };
    }

    /// <summary>A new virtual key (optionally in a team) that may use every model.</summary>
    public async Task<string> KeyAsync(string? team = null)
    {
        var body = team is null ? "{}" : $$"""{"team_id":"{{team}}"}""";
        using var r = await Gw.Http.PostAsync("/key/generate", new StringContent(body, Encoding.UTF8, "application/json"));
        var json = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, json);
        return JsonDocument.Parse(json).RootElement.GetProperty("key").GetString()!;
    }

    public async Task<string> TeamAsync(string id)
    {
        using var r = await Gw.Http.PostAsync("/team/new", new StringContent($$"""{"team_id":"{{id}}"}""", Encoding.UTF8, "application/json"));
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>Sends a request with <paramref name="key"/> and returns status and body.</summary>
    public async Task<(int Status, string Body)> SendAsync(HttpMethod method, string path, string key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Gw.BaseAddress, path));
        request.Headers.Authorization = new("Bearer", key);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var client = new HttpClient();
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Gw.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
        await Gemini.DisposeAsync();
        await Bedrock.DisposeAsync();
    }
}
