using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using OpenAI.Chat;

namespace Gateway.Tests.Providers.Anthropic;

/// <summary>The official OpenAI SDK, unchanged, against an <c>anthropic/</c> model: tools, parallel calls, usage, streaming.</summary>
public sealed class AnthropicSdkTests : AnthropicGatewayTest
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Sdk_two_turn_tool_conversation_with_parallel_calls()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, Up.Requests.Count == 1
            ? AnthropicWire.Message(AnthropicWire.Text("Checking both.") + "," + AnthropicWire.ToolUse("toolu_01Paris", "get_weather", """{"city":"Paris"}""") + "," +
                AnthropicWire.ToolUse("toolu_02Tokyo", "get_weather", """{"city":"Tokyo"}"""), "tool_use", AnthropicWire.Usage(420, 64, cacheRead: 100, cacheWrite: 50))
            : AnthropicWire.Message(AnthropicWire.Text("Paris 18C, Tokyo 25C."), "end_turn", AnthropicWire.Usage(700, 12)));

        var (first, second) = await SdkToolConversation.RunAsync(Gw.OpenAI().GetChatClient("claude"), stream: false);

        Assert.Equal(ChatFinishReason.ToolCalls, first.Finish);
        Assert.Equal(["toolu_01Paris", "toolu_02Tokyo"], first.Calls.Select(c => c.Id));
        Assert.Equal("""{"city":"Paris"}""", first.Calls[0].FunctionArguments.ToString());
        Assert.Equal(570, first.Usage!.InputTokenCount); // input + cache reads + cache writes
        Assert.Equal(100, first.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(64, first.Usage.OutputTokenCount);
        Assert.Equal("Paris 18C, Tokyo 25C.", second.Text);
        Assert.Equal(ChatFinishReason.Stop, second.Finish);
        Assert.Equal(712, second.Usage!.TotalTokenCount);
        AssertSecondTurnSent(Body(Up.Last));
    }

    [Fact]
    public async Task Sdk_two_turn_tool_conversation_with_parallel_calls_streamed()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, Up.Requests.Count == 1
            ? AnthropicWire.ParallelToolStream()
            : AnthropicWire.TextStream("Paris 18C, ", "Tokyo 25C."));

        var (first, second) = await SdkToolConversation.RunAsync(Gw.OpenAI().GetChatClient("claude"), stream: true);

        Assert.Equal(ChatFinishReason.ToolCalls, first.Finish);
        Assert.Equal("Checking both.", first.Text);
        Assert.Equal(["toolu_01Paris", "toolu_02Tokyo"], first.Calls.Select(c => c.Id));
        Assert.Equal("""{"city": "Paris"}""", first.Calls[0].FunctionArguments.ToString());
        Assert.Equal("""{"city": "Tokyo"}""", first.Calls[1].FunctionArguments.ToString());
        Assert.Equal(570, first.Usage!.InputTokenCount);
        Assert.Equal(100, first.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(64, first.Usage.OutputTokenCount);
        Assert.Equal("Paris 18C, Tokyo 25C.", second.Text);
        Assert.Equal(ChatFinishReason.Stop, second.Finish);
        Assert.Equal(25, second.Usage!.InputTokenCount);
        Assert.Equal(15, second.Usage.OutputTokenCount);
        var sent = Body(Up.Last);
        Assert.True(sent.GetProperty("stream").GetBoolean());
        AssertSecondTurnSent(sent);
    }

    /// <summary>The second request carries the assistant's tool_use blocks and both results in one user turn.</summary>
    private void AssertSecondTurnSent(JsonElement sent)
    {
        Assert.Equal("/v1/messages", Up.Last.PathAndQuery);
        Assert.Equal(AnthropicWire.ApiKey, Up.Last.Header("x-api-key"));
        Assert.Equal("2023-06-01", Up.Last.Header("anthropic-version"));
        Assert.Null(Up.Last.Header("authorization"));
        Assert.Equal("claude-sonnet-4-5", sent.GetProperty("model").GetString());
        Assert.Equal(4096, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal("You are terse.", sent.GetProperty("system")[0].GetProperty("text").GetString());
        var messages = sent.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal(["user", "assistant", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var uses = messages[1].GetProperty("content").EnumerateArray().ToList();
        Assert.All(uses, b => Assert.Equal("tool_use", b.GetProperty("type").GetString())); // no blank text block for the empty content
        Assert.Equal("Paris", uses[0].GetProperty("input").GetProperty("city").GetString());
        var results = messages[2].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["toolu_01Paris", "toolu_02Tokyo"], results.Select(r => r.GetProperty("tool_use_id").GetString()));
        Assert.Equal("18C and sunny", results[0].GetProperty("content")[0].GetProperty("text").GetString());
        var tool = sent.GetProperty("tools")[0];
        Assert.Equal("get_weather", tool.GetProperty("name").GetString());
        Assert.Equal("object", tool.GetProperty("input_schema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task First_translated_chunk_leaves_before_the_upstream_stream_ends()
    {
        var clientSawFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstreamFinished = false;
        var events = AnthropicWire.TextStream("first", " second");
        Up.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, events, async i =>
        {
            // After the first text delta (message_start, block start, ping, delta), hold until the client has it.
            if (i == 3) await clientSawFirst.Task.WaitAsync(Bound);
            if (i == events.Count - 1) upstreamFinished = true;
        });

        var text = new StringBuilder();
        await foreach (var u in Gw.OpenAI().GetChatClient("claude").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            text.Append(string.Concat(u.ContentUpdate.Select(p => p.Text)));
            if (text.ToString() == "first")
            {
                Assert.False(upstreamFinished);
                clientSawFirst.TrySetResult();
            }
        }
        Assert.True(clientSawFirst.Task.IsCompletedSuccessfully);
        Assert.Equal("first second", text.ToString());
    }
}
