using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Gateway.Tests.EndToEnd;

/// <summary>An OpenAI-compatible upstream behind the gateway: what goes up, and what comes back down.</summary>
public sealed class OpenAIUpstreamTests : UpstreamGatewayTest
{
    [Fact]
    public async Task Sdk_completion_passes_through_with_upstream_model_and_key()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("Hi from upstream", prompt: 21, completion: 4));
        ChatCompletion completion = await Gw.OpenAI().GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("Hello")]);

        Assert.Equal("Hi from upstream", completion.Content[0].Text);
        Assert.Equal(21, completion.Usage.InputTokenCount);
        Assert.Equal(OpenAIWire.Model, completion.Model);
        var sent = Up.Last;
        Assert.Equal("POST", sent.Method);
        Assert.Equal("/v1/chat/completions", sent.PathAndQuery);
        Assert.Equal("Bearer sk-upstream-secret-key", sent.Header("authorization"));
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal("gpt-4o-mini", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Unknown_fields_and_openai_options_reach_the_upstream_byte_for_byte()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("ok"));
        const string tools = """[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"number","minimum":1.50}}}}}]""";
        const string vision = """[{"type":"text","text":"What\u2019s here?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]""";
        var request = $$$$"""
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":{{{{vision}}}}}],
             "tools":{{{{tools}}}},"tool_choice":"auto","parallel_tool_calls":true,
             "response_format":{"type":"json_schema","json_schema":{"name":"r","strict":true,"schema":{"type":"object"}}},
             "n":2,"stop":["END","\n\n"],"temperature":0.70,"seed":42,"logit_bias":{"50256":-100},
             "x_vendor_extension":{"nested":[1,2,{"deep":null}],"flag":true},
             "mock_response":"must not be forwarded"}
            """;
        using var response = await Gw.Http.PostAsync("/v1/chat/completions", new StringContent(request, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var sent = Up.Last.Body;
        foreach (var fragment in new[]
                 {
                     $"\"tools\":{tools}", $"\"content\":{vision}", "\"tool_choice\":\"auto\"", "\"parallel_tool_calls\":true",
                     "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"strict\":true,\"schema\":{\"type\":\"object\"}}}",
                     "\"n\":2", "\"stop\":[\"END\",\"\\n\\n\"]", "\"temperature\":0.70", "\"seed\":42", "\"logit_bias\":{\"50256\":-100}",
                     "\"x_vendor_extension\":{\"nested\":[1,2,{\"deep\":null}],\"flag\":true}",
                 })
            Assert.Contains(fragment, sent);
        Assert.DoesNotContain("mock_response", sent);
    }

    [Fact]
    public async Task Stream_asks_upstream_for_usage_but_hides_it_from_a_client_that_did_not_ask()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["Hel", "lo"], includeUsage: true));
        var request = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
        using var response = await Gw.Http.PostAsync("/v1/chat/completions", new StringContent(request, Encoding.UTF8, "application/json"));
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());

        Assert.True(OpenAIWire.AskedForUsage(Up.Last));
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal(4, events.Count - 1); // role, two pieces, finish; the usage-only chunk is withheld
        Assert.DoesNotContain(events, e => e.Contains("\"choices\":[]"));
    }

    [Fact]
    public async Task Stream_shows_usage_to_a_client_that_asked()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["Hel", "lo"], includeUsage: true, prompt: 11, completion: 2));
        var chat = Gw.OpenAI().GetChatClient("gpt-4o-mini");
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var u in chat.CompleteChatStreamingAsync([new UserChatMessage("hi")], new ChatCompletionOptions()))
        {
            text.Append(string.Concat(u.ContentUpdate.Select(p => p.Text)));
            usage ??= u.Usage;
        }
        Assert.Equal("Hello", text.ToString());
        Assert.NotNull(usage);
        Assert.Equal(11, usage!.InputTokenCount);
        Assert.Equal(2, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Sdk_streams_parallel_tool_call_deltas_and_completes_a_second_turn()
    {
        var turn = 0;
        Up.Handler = (ctx, _) => Interlocked.Increment(ref turn) == 1
            ? OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.ParallelToolCallStream(includeUsage: true))
            : OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["Paris 18C, ", "Tokyo 22C"], includeUsage: true));
        var chat = Gw.OpenAI().GetChatClient("gpt-4o-mini");
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""")) },
        };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris and Tokyo?")];

        var ids = new Dictionary<int, string>();
        var names = new Dictionary<int, string>();
        var args = new Dictionary<int, StringBuilder>();
        ChatFinishReason? finish = null;
        await foreach (var u in chat.CompleteChatStreamingAsync(messages, options))
        {
            foreach (var t in u.ToolCallUpdates)
            {
                if (t.ToolCallId is not null) ids[t.Index] = t.ToolCallId;
                if (t.FunctionName is not null) names[t.Index] = t.FunctionName;
                if (!args.TryGetValue(t.Index, out var sb)) args[t.Index] = sb = new StringBuilder();
                sb.Append(t.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= u.FinishReason;
        }
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal("call_weather_paris", ids[0]);
        Assert.Equal("call_weather_tokyo", ids[1]);
        Assert.Equal("""{"city": "Paris"}""", args[0].ToString());
        Assert.Equal("""{"city": "Tokyo"}""", args[1].ToString());

        messages.Add(new AssistantChatMessage([
            ChatToolCall.CreateFunctionToolCall(ids[0], names[0], BinaryData.FromString(args[0].ToString())),
            ChatToolCall.CreateFunctionToolCall(ids[1], names[1], BinaryData.FromString(args[1].ToString())),
        ]));
        messages.Add(new ToolChatMessage(ids[0], "18C"));
        messages.Add(new ToolChatMessage(ids[1], "22C"));
        var answer = new StringBuilder();
        await foreach (var u in chat.CompleteChatStreamingAsync(messages, options))
            answer.Append(string.Concat(u.ContentUpdate.Select(p => p.Text)));
        Assert.Equal("Paris 18C, Tokyo 22C", answer.ToString());

        using var second = JsonDocument.Parse(Up.Last.Body);
        var sentMessages = second.RootElement.GetProperty("messages");
        Assert.Equal(4, sentMessages.GetArrayLength());
        Assert.Equal("call_weather_tokyo", sentMessages[3].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public async Task Non_streamed_tool_calls_come_back_to_the_sdk()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.ToolCallCompletion(("call_1", "get_weather", """{"city":"Oslo"}"""), ("call_2", "get_time", "{}")));
        ChatCompletion c = await Gw.OpenAI().GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("?")]);
        Assert.Equal(ChatFinishReason.ToolCalls, c.FinishReason);
        Assert.Equal(["get_weather", "get_time"], c.ToolCalls.Select(t => t.FunctionName));
        Assert.Equal("""{"city":"Oslo"}""", c.ToolCalls[0].FunctionArguments.ToString());
    }

    [Fact]
    public async Task Embeddings_pass_through_to_the_upstream()
    {
        Up.Handler = (ctx, r) => OpenAIWire.WriteJsonAsync(ctx, """
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292,0.015797347]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}
            """);
        var client = Gw.OpenAI().GetEmbeddingClient("text-embedding-3-small");
        OpenAIEmbedding embedding = await client.GenerateEmbeddingAsync("The food was delicious", new EmbeddingGenerationOptions { Dimensions = 3 });
        Assert.Equal([0.0023064255f, -0.009327292f, 0.015797347f], embedding.ToFloats().ToArray());
        Assert.Equal("/v1/embeddings", Up.Last.PathAndQuery);
        using var sent = JsonDocument.Parse(Up.Last.Body);
        Assert.Equal("text-embedding-3-small", sent.RootElement.GetProperty("model").GetString());
        Assert.Equal(3, sent.RootElement.GetProperty("dimensions").GetInt32());
    }
}
