using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Support;
using OpenAI.Chat;

namespace Gateway.Tests.EndToEnd;

/// <summary>The offline <c>mock/</c> provider, reached through the OpenAI .NET SDK and plain HTTP.</summary>
public sealed class MockModelTests : IAsyncLifetime
{
    private TestGateway _gw = null!;

    public async Task InitializeAsync() => _gw = await TestGateway.StartAsync(Yaml.Config());
    public async Task DisposeAsync() => await _gw.DisposeAsync();

    [Fact]
    public async Task Sdk_gets_a_completion()
    {
        var chat = _gw.OpenAI().GetChatClient("mock");
        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Hello?")]);
        Assert.Equal("This is a mock response from mock-1.", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Sdk_streams_a_completion_with_usage()
    {
        var chat = _gw.OpenAI().GetChatClient("mock");
        var text = "";
        var updates = 0;
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hello?")]))
        {
            updates++;
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }
        Assert.Equal("This is a mock response from mock-1.", text);
        Assert.True(updates > 3, $"expected several chunks, got {updates}");
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.True(usage!.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Mock_response_field_sets_the_text_and_is_deterministic()
    {
        var body = new { model = "mock", messages = new[] { new { role = "user", content = "x" } }, mock_response = "Bonjour, ça va ?" };
        var first = await (await _gw.Http.PostAsJsonAsync("/v1/chat/completions", body)).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await _gw.Http.PostAsJsonAsync("/v1/chat/completions", body)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bonjour, ça va ?", first.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(first.GetProperty("usage").GetRawText(), second.GetProperty("usage").GetRawText());
        Assert.Equal(first.GetProperty("choices").GetRawText(), second.GetProperty("choices").GetRawText());
    }

    [Fact]
    public async Task Mock_streams_mock_response_word_by_word_over_plain_http()
    {
        var body = new { model = "mock", stream = true, messages = new[] { new { role = "user", content = "x" } }, mock_response = "one two three" };
        using var response = await _gw.Http.PostAsJsonAsync("/v1/chat/completions", body);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("[DONE]", events[^1]);
        var pieces = events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement)
            .SelectMany(e => e.GetProperty("choices").EnumerateArray())
            .Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null)
            .Where(s => !string.IsNullOrEmpty(s)).ToList();
        Assert.Equal(["one ", "two ", "three"], pieces);
        // The client did not ask for usage, so the usage-only chunk is not shown.
        Assert.DoesNotContain(events, e => e.Contains("\"choices\":[]"));
    }

    [Fact]
    public async Task Mock_honours_n()
    {
        var body = new { model = "mock", n = 3, messages = new[] { new { role = "user", content = "x" } } };
        var json = await (await _gw.Http.PostAsJsonAsync("/v1/chat/completions", body)).Content.ReadFromJsonAsync<JsonElement>();
        var choices = json.GetProperty("choices");
        Assert.Equal(3, choices.GetArrayLength());
        Assert.Equal([0, 1, 2], choices.EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
    }

    [Fact]
    public async Task Mock_calls_the_forced_tool_streamed_and_not()
    {
        var chat = _gw.OpenAI().GetChatClient("mock");
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}""")) },
            ToolChoice = ChatToolChoice.CreateRequiredChoice(),
        };
        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("weather?")], options);
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal("get_weather", Assert.Single(completion.ToolCalls).FunctionName);

        var names = new List<string>();
        ChatFinishReason? finish = null;
        await foreach (var u in chat.CompleteChatStreamingAsync([new UserChatMessage("weather?")], options))
        {
            names.AddRange(u.ToolCallUpdates.Where(t => t.FunctionName is not null).Select(t => t.FunctionName));
            finish ??= u.FinishReason;
        }
        Assert.Equal(["get_weather"], names);
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
    }

    [Theory]
    [InlineData("litellm.RateLimitError", 429)]
    [InlineData("litellm.InternalServerError", 500)]
    [InlineData("litellm.BadRequestError", 400)]
    [InlineData("litellm.ContextWindowExceededError", 400)]
    public async Task Mock_response_naming_an_error_raises_it(string name, int status)
    {
        var body = new { model = "mock", messages = new[] { new { role = "user", content = "x" } }, mock_response = name };
        using var response = await _gw.Http.PostAsJsonAsync("/v1/chat/completions", body);
        Assert.Equal(status, (int)response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Contains("Mock", error.GetProperty("message").GetString());
        if (status == 429) Assert.Equal("1", response.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Sdk_gets_embeddings_from_the_mock()
    {
        var client = _gw.OpenAI().GetEmbeddingClient("mock-embedding");
        var result = await client.GenerateEmbeddingsAsync(["alpha", "beta", "alpha"]);
        var vectors = result.Value.Select(e => e.ToFloats().ToArray()).ToArray();
        Assert.Equal(3, vectors.Length);
        Assert.Equal(256, vectors[0].Length);
        Assert.Equal(vectors[0], vectors[2]);
        Assert.NotEqual(vectors[0], vectors[1]);
        Assert.InRange(vectors[0].Sum(x => x * x), 0.999, 1.001);
    }

    [Fact]
    public async Task Embeddings_accept_dimensions_and_float_format()
    {
        var body = new { model = "mock-embedding", input = "hi", dimensions = 8, encoding_format = "float" };
        var json = await (await _gw.Http.PostAsJsonAsync("/v1/embeddings", body)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(8, json.GetProperty("data")[0].GetProperty("embedding").GetArrayLength());
        Assert.True(json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Chat_path_without_v1_prefix_works_too()
    {
        var body = new { model = "mock", messages = new[] { new { role = "user", content = "x" } } };
        using var response = await _gw.Http.PostAsJsonAsync("/chat/completions", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
