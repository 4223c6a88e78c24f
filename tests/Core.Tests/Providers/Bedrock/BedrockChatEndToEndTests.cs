using System.ClientModel;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>The OpenAI .NET SDK against bedrock/ models, with only the Lambda role's variables in the environment.</summary>
public sealed class BedrockChatEndToEndTests : BedrockGatewayTest
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20); // a failure bound, not a performance claim

    [Fact]
    public async Task Non_streamed_completion_is_translated_and_signed()
    {
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseText("Hello from Bedrock.", input: 10, output: 5, cacheRead: 3, cacheWrite: 2));
        ChatCompletion reply = await Gw.OpenAI().GetChatClient("claude").CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 100, Temperature = 0.5f });

        Assert.Equal("Hello from Bedrock.", reply.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, reply.FinishReason);
        Assert.Equal(15, reply.Usage.InputTokenCount); // 10 + 3 cache read + 2 cache write
        Assert.Equal(5, reply.Usage.OutputTokenCount);
        Assert.Equal(3, reply.Usage.InputTokenDetails.CachedTokenCount);

        AssertAllSigned();
        var call = Bedrock.Calls.Single();
        Assert.Equal("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse", call.RawPath);
        var body = call.Json;
        Assert.Equal("Be brief.", (string)body["system"]![0]!["text"]!);
        Assert.Equal("user", (string)body["messages"]![0]!["role"]!);
        Assert.Equal("Hi", (string)body["messages"]![0]!["content"]![0]!["text"]!);
        Assert.Equal(100, (int)body["inferenceConfig"]!["maxTokens"]!);
        Assert.Equal(0.5, (double)body["inferenceConfig"]!["temperature"]!, 3);
        Assert.Null(body["model"]);
    }

    [Fact]
    public async Task Streamed_completion_arrives_as_openai_chunks_with_usage()
    {
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteStreamAsync(ctx, BedrockWire.TextStream("Hel", "lo, ", "wörld 🎉"));
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var u in Gw.OpenAI().GetChatClient("claude").CompleteChatStreamingAsync([new UserChatMessage("Hi")]))
        {
            text.Append(string.Concat(u.ContentUpdate.Select(p => p.Text)));
            finish ??= u.FinishReason;
            usage ??= u.Usage;
        }
        Assert.Equal("Hello, wörld 🎉", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(12, usage!.InputTokenCount);
        Assert.Equal(3, usage.OutputTokenCount);
        AssertAllSigned();
        Assert.Equal("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream", Bedrock.Calls.Single().RawPath);
    }

    [Fact]
    public async Task Inference_profile_arn_is_encoded_in_the_path_and_signed_as_sent()
    {
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseText("ok"));
        ChatCompletion reply = await Gw.OpenAI().GetChatClient("claude-profile").CompleteChatAsync([new UserChatMessage("Hi")]);
        Assert.Equal("ok", reply.Content[0].Text);
        AssertAllSigned();
        Assert.Equal("/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse",
            Bedrock.Calls.Single().RawPath);
    }

    [Fact]
    public async Task Tool_calls_round_trip_non_streamed()
    {
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseToolUse("tooluse_abc123", "get_weather", """{"city":"Paris","unit":"c"}""", text: "Let me check."));
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        ChatCompletion reply = await Gw.OpenAI().GetChatClient("claude").CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, reply.FinishReason);
        var call = Assert.Single(reply.ToolCalls);
        Assert.Equal("tooluse_abc123", call.Id);
        Assert.Equal("get_weather", call.FunctionName);
        using (var args = JsonDocument.Parse(call.FunctionArguments.ToString()))
            Assert.Equal("Paris", args.RootElement.GetProperty("city").GetString());

        AssertAllSigned();
        var sent = Bedrock.Calls.Single().Json["toolConfig"]!;
        Assert.Equal("get_weather", (string)sent["tools"]![0]!["toolSpec"]!["name"]!);
        Assert.Equal("object", (string)sent["tools"]![0]!["toolSpec"]!["inputSchema"]!["json"]!["type"]!);
        Assert.NotNull(sent["toolChoice"]!["any"]);
    }

    [Fact]
    public async Task Tool_call_results_are_sent_back_as_tool_result_blocks()
    {
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseText("It is 18 C in Paris."));
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        ChatMessage[] history =
        [
            new UserChatMessage("Weather in Paris?"),
            new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("tooluse_1", "get_weather", BinaryData.FromString("""{"city":"Paris"}"""))]),
            new ToolChatMessage("tooluse_1", "18 C"),
        ];
        ChatCompletion reply = await Gw.OpenAI().GetChatClient("claude").CompleteChatAsync(history, new ChatCompletionOptions { Tools = { tool } });
        Assert.Equal("It is 18 C in Paris.", reply.Content[0].Text);

        AssertAllSigned();
        var messages = Bedrock.Calls.Single().Json["messages"]!.AsArray();
        Assert.Equal(3, messages.Count);
        var toolUse = messages[1]!["content"]![0]!["toolUse"]!;
        Assert.Equal("tooluse_1", (string)toolUse["toolUseId"]!);
        Assert.Equal("Paris", (string)toolUse["input"]!["city"]!);
        Assert.Equal("user", (string)messages[2]!["role"]!);
        var result = messages[2]!["content"]![0]!["toolResult"]!;
        Assert.Equal("tooluse_1", (string)result["toolUseId"]!);
        Assert.Equal("18 C", (string)result["content"]![0]!["text"]!);
    }

    [Fact]
    public async Task Tool_calls_stream_as_indexed_deltas()
    {
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteStreamAsync(ctx,
        [
            BedrockWire.MessageStart(),
            BedrockWire.TextDelta(0, "Checking."),
            BedrockWire.BlockStop(0),
            BedrockWire.ToolStart(1, "tooluse_s1", "get_weather"),
            BedrockWire.ToolDelta(1, "{\"city\":"),
            BedrockWire.ToolDelta(1, "\"Oslo\"}"),
            BedrockWire.BlockStop(1),
            BedrockWire.MessageStop("tool_use"),
            BedrockWire.Metadata(30, 12),
        ]);
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        string? id = null, name = null;
        var args = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var u in Gw.OpenAI().GetChatClient("claude").CompleteChatStreamingAsync([new UserChatMessage("Weather in Oslo?")], new ChatCompletionOptions { Tools = { tool } }))
        {
            foreach (var t in u.ToolCallUpdates)
            {
                Assert.Equal(0, t.Index);
                id ??= t.ToolCallId;
                name ??= t.FunctionName;
                args.Append(t.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= u.FinishReason;
        }
        Assert.Equal("tooluse_s1", id);
        Assert.Equal("get_weather", name);
        Assert.Equal("{\"city\":\"Oslo\"}", args.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        AssertAllSigned();
    }

    [Fact]
    public async Task First_chunk_reaches_the_sdk_while_the_upstream_stream_is_still_open()
    {
        var clientSawFirstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstreamFinished = false;
        var frames = BedrockWire.TextStream("first", " second");
        Bedrock.Respond = (ctx, _) => FakeBedrock.WriteStreamAsync(ctx, frames, async i =>
        {
            // After messageStart and the first delta, hold the stream open until the client has seen "first".
            if (i == 1) await clientSawFirstChunk.Task.WaitAsync(Bound);
            if (i == frames.Length - 1) upstreamFinished = true;
        });
        var text = new StringBuilder();
        await foreach (var u in Gw.OpenAI().GetChatClient("claude").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            text.Append(string.Concat(u.ContentUpdate.Select(p => p.Text)));
            if (text.ToString() == "first")
            {
                Assert.False(upstreamFinished);
                clientSawFirstChunk.TrySetResult();
            }
        }
        Assert.True(clientSawFirstChunk.Task.IsCompletedSuccessfully);
        Assert.Equal("first second", text.ToString());
    }

    [Fact]
    public async Task Embeddings_through_titan_one_call_per_input_with_usage()
    {
        Bedrock.Respond = (ctx, call) =>
        {
            var text = (string)call.Json["inputText"]!;
            return FakeBedrock.WriteJsonAsync(ctx, "{\"embedding\":[" + text.Length + ".0,0.5,-0.25],\"inputTextTokenCount\":" + text.Length + ",\"embeddingsByType\":{\"float\":[1]}}");
        };
        var client = Gw.OpenAI().GetEmbeddingClient("titan-embed");
        OpenAIEmbeddingCollection result = await client.GenerateEmbeddingsAsync(["abc", "hello"], new EmbeddingGenerationOptions { Dimensions = 256 });

        Assert.Equal(2, result.Count);
        Assert.Equal([3f, 0.5f, -0.25f], result[0].ToFloats().ToArray());
        Assert.Equal([5f, 0.5f, -0.25f], result[1].ToFloats().ToArray());
        Assert.Equal(8, result.Usage.InputTokenCount);
        AssertAllSigned(2);
        Assert.All(Bedrock.Calls, c =>
        {
            Assert.Equal("/model/amazon.titan-embed-text-v2%3A0/invoke", c.RawPath);
            Assert.Equal(256, (int)c.Json["dimensions"]!);
            Assert.True((bool)c.Json["normalize"]!);
        });
    }

    [Fact]
    public async Task Embeddings_through_cohere_one_call_for_all_inputs()
    {
        Bedrock.Respond = (ctx, _) =>
        {
            ctx.Response.Headers["X-Amzn-Bedrock-Input-Token-Count"] = "7";
            return FakeBedrock.WriteJsonAsync(ctx, """{"id":"e1","embeddings":[[0.1,0.2],[0.3,0.4]],"response_type":"embeddings_floats","texts":["a","b"]}""");
        };
        OpenAIEmbeddingCollection result = await Gw.OpenAI().GetEmbeddingClient("cohere-embed").GenerateEmbeddingsAsync(["a", "b"]);
        Assert.Equal(2, result.Count);
        Assert.Equal([0.3f, 0.4f], result[1].ToFloats().ToArray());
        Assert.Equal(7, result.Usage.InputTokenCount);
        AssertAllSigned();
        var sent = Bedrock.Calls.Single().Json;
        Assert.Equal(["a", "b"], sent["texts"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("search_document", (string)sent["input_type"]!);
    }

    [Fact]
    public async Task Models_list_includes_the_configured_bedrock_models()
    {
        var names = new List<string>();
        var models = await Gw.OpenAI().GetOpenAIModelClient().GetModelsAsync();
        names.AddRange(models.Value.Select(m => m.Id));
        Assert.Contains("claude", names);
        Assert.Contains("claude-profile", names);
        Assert.Contains("titan-embed", names);
        Assert.Contains("cohere-embed", names);
    }

    [Fact]
    public async Task Bedrock_throttling_before_the_stream_is_a_429()
    {
        Bedrock.Respond = (ctx, _) =>
        {
            ctx.Response.Headers["x-amzn-ErrorType"] = "ThrottlingException:http://internal.amazon.com/coral/com.amazonaws.bedrock/";
            return FakeBedrock.WriteJsonAsync(ctx, """{"message":"Too many requests, please wait before trying again."}""", 429);
        };
        var e = await Assert.ThrowsAsync<ClientResultException>(() => Gw.OpenAI().GetChatClient("claude").CompleteChatAsync([new UserChatMessage("Hi")]));
        Assert.Equal(429, e.Status);
        Assert.Contains("Too many requests", e.Message);
    }
}
