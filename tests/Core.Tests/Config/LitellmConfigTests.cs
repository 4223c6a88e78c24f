using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;
using OpenAI.Chat;

namespace Gateway.Tests.Config;

/// <summary>
/// LiteLLM configs written in the shapes its docs document (<c>LitellmConfigs/*.yaml</c>, each naming its doc page)
/// start with exactly the warnings and notices they declare (<c># expect-warning:</c>, <c># expect-notice:</c>) and serve
/// every model name through loopback fakes of each provider, called with the official OpenAI SDK.
/// </summary>
public sealed class LitellmConfigTests : IAsyncLifetime
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Config", "LitellmConfigs");
    private ProviderFakes _fakes = null!;

    public async Task InitializeAsync() => _fakes = await ProviderFakes.StartAsync();

    public async Task DisposeAsync() => await _fakes.DisposeAsync();

    public static TheoryData<string> Configs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Dir, "*.yaml").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void There_are_at_least_fifteen_each_naming_its_doc_page()
    {
        var files = Directory.GetFiles(Dir, "*.yaml");
        Assert.True(files.Length >= 15, $"{files.Length} configs");
        Assert.All(files, f => Assert.StartsWith("# Shape: https://docs.litellm.ai/docs/", File.ReadLines(f).First()));
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task Starts_with_only_true_warnings_and_serves_every_model(string file)
    {
        var path = Path.Combine(Dir, file);
        await using var gw = await TestGateway.StartFromFileAsync(path, _fakes.Environment());

        AssertMatches(Expected(path, "expect-warning"), gw.Config.Warnings, "warnings");
        AssertMatches(Expected(path, "expect-notice"), gw.Config.Notices, "notices");

        var client = gw.OpenAI();
        foreach (var name in gw.Config.Deployments.Select(d => d.ModelName).Distinct())
        {
            if (name.Contains("embedding", StringComparison.Ordinal))
            {
                var embedding = await client.GetEmbeddingClient(name).GenerateEmbeddingAsync("hello");
                Assert.Equal(3, embedding.Value.ToFloats().Length);
                continue;
            }
            ChatCompletion reply = await client.GetChatClient(name).CompleteChatAsync([new UserChatMessage("Hello!")]);
            Assert.Equal(ProviderFakes.Reply, reply.Content[0].Text);
            Assert.True(reply.Usage.TotalTokenCount > 0, name);
        }
    }

    [Fact]
    public async Task A_default_max_tokens_reaches_the_upstream_and_the_clients_own_value_wins()
    {
        await using var gw = await TestGateway.StartFromFileAsync(Path.Combine(Dir, "04-default-params.yaml"), _fakes.Environment());
        var chat = gw.OpenAI().GetChatClient("chat-defaults");

        await chat.CompleteChatAsync([new UserChatMessage("Hi")]);
        var sent = JsonDocument.Parse(_fakes.Up.Last.Body).RootElement;
        Assert.Equal(256, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.2, sent.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, sent.GetProperty("top_p").GetDouble());
        Assert.Equal(42, sent.GetProperty("seed").GetInt32());
        Assert.Equal("END", sent.GetProperty("stop")[0].GetString());

        await chat.CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 10, Temperature = 1f });
        sent = JsonDocument.Parse(_fakes.Up.Last.Body).RootElement;
        Assert.Equal(10, sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.False(sent.TryGetProperty("max_tokens", out _)); // one output cap: the client's
        Assert.Equal(1.0, sent.GetProperty("temperature").GetDouble());
        Assert.Equal(42, sent.GetProperty("seed").GetInt32());

        // Translated providers get the default in their own shape.
        await gw.OpenAI().GetChatClient("claude-defaults").CompleteChatAsync([new UserChatMessage("Hi")]);
        var anthropic = JsonDocument.Parse(_fakes.To("/v1/messages").Last().Body).RootElement;
        Assert.Equal(1024, anthropic.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.5, anthropic.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public async Task Admission_reserves_from_the_default_max_tokens()
    {
        // With no default, gpt-4o-mini's worst case is its 16,384-token output limit, past this key's 1,000 tpm.
        await using var gw = await TestGateway.StartFromFileAsync(Path.Combine(Dir, "04-default-params.yaml"),
            new Dictionary<string, string>(_fakes.Environment()) { ["GATEWAY_MASTER_KEY"] = ProviderFakes.MasterKey });
        var key = await gw.GenerateAsync("""{"tpm_limit":1000}""");

        using var defaulted = await gw.ChatAsync(key, "chat-defaults");
        Assert.Equal(200, (int)defaulted.StatusCode);
        using var asked = await gw.ChatAsync(key, "chat-defaults", ",\"max_tokens\":5000");
        Assert.Equal(429, (int)asked.StatusCode);
        Assert.Equal("tpm_limit_exceeded", (await KeyGateway.ErrorOf(asked)).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("reserve")]
    [InlineData("cap")]
    public async Task Prices_in_litellm_params_stop_a_half_dollar_key_at_half_a_dollar_under_50_callers(string mode)
    {
        await using var gw = await TestGateway.StartFromFileAsync(Path.Combine(Dir, "03-custom-pricing.yaml"), _fakes.Environment());
        var key = await gw.GenerateAsync($$"""{"max_budget":0.5,"models":["priced-model"],"budget_enforcement":"{{mode}}"}""");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var costs = new System.Collections.Concurrent.ConcurrentBag<decimal>();

        async Task<int> CallAsync()
        {
            using var r = await gw.ChatAsync(key, "priced-model", http: http);
            if (r.StatusCode == System.Net.HttpStatusCode.OK)
                costs.Add(decimal.Parse(r.Headers.GetValues("x-gateway-response-cost").Single(), System.Globalization.CultureInfo.InvariantCulture));
            else Assert.Equal("budget_exceeded", (await KeyGateway.ErrorOf(r)).GetProperty("code").GetString());
            return (int)r.StatusCode;
        }

        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => CallAsync()));

        // The fake reports 19 prompt and 10 completion tokens: $0.019 + $0.040 per call at the config's prices. Each call
        // reserves its worst case (about $0.10: the prompt bound plus the default max_tokens of 20), so at least four fit at once.
        const decimal perCall = 19 * 0.001m + 10 * 0.004m;
        var served = statuses.Count(s => s == 200);
        Assert.Equal(50, served + statuses.Count(s => s == 400));
        Assert.True(served >= 4, $"served {served}");

        // Then one caller at a time until the budget refuses.
        for (var i = 0; i < 40 && await CallAsync() == 200; i++) served++;
        var spend = (await gw.InfoAsync(key)).GetProperty("spend").GetDecimal();
        Assert.Equal(costs.Sum(), spend);
        if (mode == "reserve")
        {
            // Every call booked as reported; spend ends within one worst case of $0.50, never past it.
            Assert.Equal(served * perCall, spend);
            Assert.InRange(spend, 0.5m - 0.11m, 0.5m);
        }
        else
        {
            // Calls that do not fit whole are lowered to what is left (the fake ignores their cap; each is booked at no more
            // output than it paid for), so spend ends within one call's input and one output token of $0.50, never past it.
            // Whether any call was lowered depends on how the 50 concurrent calls interleaved (a run whose calls all fit
            // whole leaves less than an input's worth); CapModeTests shows cap serving more calls than reserve.
            Assert.InRange(spend, 0.5m - 0.03m, 0.5m);
            Assert.True(served * perCall >= spend, "no call was booked above its full price");
        }
    }

    [Fact]
    public async Task Headers_reach_the_upstream_and_never_replace_its_credentials()
    {
        await using var gw = await TestGateway.StartFromFileAsync(Path.Combine(Dir, "05-headers.yaml"), _fakes.Environment());

        await gw.OpenAI().GetChatClient("gpt-4o-with-headers").CompleteChatAsync([new UserChatMessage("Hi")]);
        Assert.Equal("search-team", _fakes.Up.Last.Header("AI-Resource-Group"));
        Assert.Equal("Bearer sk-openai-test", _fakes.Up.Last.Header("Authorization"));

        await gw.OpenAI().GetChatClient("claude-with-headers").CompleteChatAsync([new UserChatMessage("Hi")]);
        Assert.Equal("tenant-a", _fakes.Up.Last.Header("X-Custom-Tenant"));
        Assert.Equal("sk-ant-test", _fakes.Up.Last.Header("x-api-key"));
        Assert.Null(_fakes.Up.Last.Header("Authorization"));
    }

    [Fact]
    public async Task Provider_native_params_reach_the_upstream_in_its_own_form()
    {
        await using var gemini = await TestGateway.StartFromFileAsync(Path.Combine(Dir, "11-gemini.yaml"), _fakes.Environment());
        await gemini.OpenAI().GetChatClient("gemini-2.5-flash").CompleteChatAsync([new UserChatMessage("Hi")]);
        var safety = JsonDocument.Parse(_fakes.Up.Last.Body).RootElement.GetProperty("safetySettings");
        Assert.Equal("HARM_CATEGORY_HARASSMENT", safety[0].GetProperty("category").GetString());
        Assert.Equal("BLOCK_NONE", safety[1].GetProperty("threshold").GetString());

        await using var anthropic = await TestGateway.StartFromFileAsync(Path.Combine(Dir, "10-anthropic.yaml"), _fakes.Environment());
        await anthropic.OpenAI().GetChatClient("claude-3-5-sonnet").CompleteChatAsync([new UserChatMessage("Hi")]);
        Assert.Equal("2023-06-01", _fakes.Up.Last.Header("anthropic-version"));
    }

    [Fact]
    public async Task Drop_params_serve_one_choice_and_additional_drop_params_never_leave()
    {
        await using var gw = await TestGateway.StartFromFileAsync(Path.Combine(Dir, "16-drop-params.yaml"), _fakes.Environment());

        using var two = await gw.Http.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"claude-drop","n":2,"messages":[{"role":"user","content":"Hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)two.StatusCode);

        using var strict = await gw.Http.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"strict-server","seed":1,"logit_bias":{"50256":-100},"top_p":0.5,"messages":[{"role":"user","content":"Hi"}]}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)strict.StatusCode);
        var sent = JsonDocument.Parse(_fakes.Up.Last.Body).RootElement;
        Assert.False(sent.TryGetProperty("seed", out _));
        Assert.False(sent.TryGetProperty("logit_bias", out _));
        Assert.Equal(0.5, sent.GetProperty("top_p").GetDouble());
    }

    private static List<string> Expected(string path, string tag) =>
        File.ReadLines(path).Where(l => l.StartsWith($"# {tag}: ", StringComparison.Ordinal)).Select(l => l[(tag.Length + 4)..]).ToList();

    private static void AssertMatches(List<string> expected, IReadOnlyList<string> actual, string what)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: expected {expected.Count}, got {actual.Count}:\n  " + string.Join("\n  ", actual));
        foreach (var e in expected)
            Assert.True(actual.Count(a => a.Contains(e, StringComparison.Ordinal)) == 1, $"{what}: none (or several) match '{e}':\n  " + string.Join("\n  ", actual));
    }
}
