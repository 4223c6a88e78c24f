using System.Net;
using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.RedTeam;

/// <summary>
/// The red-team corpus against a real gateway with a virtual key allowed only the <c>allowed</c> group: no crafted
/// body reaches the forbidden model's upstream, each gets a 4xx in its API's error shape, and none moves a counter
/// (no spend, nothing left reserved, no rpm slot used).
/// </summary>
public sealed class CraftedBodyTests : IAsyncLifetime
{
    private FakeUpstream _allowedUp = null!;
    private FakeUpstream _forbiddenUp = null!;
    private TestGateway _gw = null!;
    private string _key = null!;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        _allowedUp = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("ok", prompt: 5, completion: 2)));
        _forbiddenUp = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("leaked", prompt: 5, completion: 2)));
        var models = $"""
              - model_name: {CraftedBodies.Allowed}
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_base: {_allowedUp.V1}
                  api_key: sk-upstream-allowed
                  max_tokens: 50
                  temperature: 0.2
                  additional_drop_params: [metadata]
                model_info:
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.001
                  max_output_tokens: 100
              - model_name: {CraftedBodies.Forbidden}
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {_forbiddenUp.V1}
                  api_key: sk-upstream-forbidden
            """;
        _gw = await TestGateway.StartAsync(Yaml.Config(extraModels: models), new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() });
        // Reserve mode: a worst case past the budget is refused here; cap mode's lowering has its own corpus (CapModeCraftedBodyTests).
        _key = await _gw.GenerateAsync($$$"""{"models":["{{{CraftedBodies.Allowed}}}"],"max_budget":1,"budget_enforcement":"reserve","rpm_limit":2,"aliases":{"{{{CraftedBodies.ForbiddenAlias}}}":"{{{CraftedBodies.Forbidden}}}"}}""");
        await _gw.PostAsync("/customer/new", $$"""{"user_id":"{{CraftedBodies.BlockedEndUser}}","blocked":true}""");
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _allowedUp.DisposeAsync();
        await _forbiddenUp.DisposeAsync();
    }

    [Fact]
    public async Task No_crafted_body_reaches_a_forbidden_model_or_moves_a_counter()
    {
        var corpus = CraftedBodies.ForbiddenModel().Concat(CraftedBodies.BadNumbers()).Concat(CraftedBodies.WrongTypes())
            .Concat(CraftedBodies.AliasAndEndUserDisguises()).Concat(CraftedBodies.AgainstDefaults())
            .Concat(CraftedBodies.FallbackDisguises()).Concat(CraftedBodies.ResponsesAndCompletions()).ToList();
        var failures = new List<string>();
        foreach (var crafted in corpus)
        {
            var (status, body) = await SendAsync(crafted);
            if (status is < 400 or >= 500) failures.Add($"{crafted.Name}: HTTP {status}: {Cut(body)}");
            else if (ShapeProblem(crafted.Path, body) is { } problem) failures.Add($"{crafted.Name}: {problem}: {Cut(body)}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} crafted bodies misbehaved:\n" + string.Join("\n", failures));
        Assert.Empty(_forbiddenUp.Requests);
        Assert.Empty(_allowedUp.Requests);

        // Nothing was booked or left reserved, and no refused body used one of the key's 2 requests per minute.
        var info = await _gw.InfoAsync(_key);
        Assert.Equal(0m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        using (var first = await _gw.ChatAsync(_key, CraftedBodies.Allowed)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var second = await _gw.ChatAsync(_key, CraftedBodies.Allowed)) Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using (var third = await _gw.ChatAsync(_key, CraftedBodies.Allowed)) Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(2, _allowedUp.Requests.Count);
        Assert.Empty(_forbiddenUp.Requests);
    }

    [Fact]
    public async Task The_same_disguises_with_the_master_key_reach_the_model_they_name_or_get_a_400()
    {
        // The master key may use every model: a body that parses reaches exactly the model it names (the parse the
        // gateway routes by is the one it checked), and duplicates are refused outright.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gw.BaseAddress, "/v1/chat/completions"))
        {
            Content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. """{"m\u006fdel":"forbidden","messages":[{"role":"user","content":"hi"}]}"""u8.ToArray()]),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", _gw.MasterKey);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_forbiddenUp.Requests);
        Assert.Equal("gpt-4o", JsonDocument.Parse(_forbiddenUp.Last.Body).RootElement.GetProperty("model").GetString());
        Assert.DoesNotContain("\uFEFF", _forbiddenUp.Last.Body);
    }

    private async Task<(int Status, string Body)> SendAsync(CraftedBodies.Crafted crafted)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gw.BaseAddress, crafted.Path)) { Content = new ByteArrayContent(crafted.Body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", _key);
        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>OpenAI's <c>{"error":{"message","type","param","code"}}</c>, or Anthropic's shape on <c>/v1/messages</c>.</summary>
    private static string? ShapeProblem(string path, string body)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return "not JSON";
        }
        if (!root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object) return "no error object";
        if (!error.TryGetProperty("message", out var m) || m.ValueKind != JsonValueKind.String) return "no message";
        if (!error.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String) return "no type";
        if (path.StartsWith("/v1/messages", StringComparison.Ordinal))
            return root.TryGetProperty("type", out var rt) && rt.GetString() == "error" ? null : "not Anthropic's error shape";
        return error.TryGetProperty("param", out _) && error.TryGetProperty("code", out _) ? null : "no param/code";
    }

    private static string Cut(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
