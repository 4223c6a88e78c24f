using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using OpenAI.Chat;

namespace Gateway.Tests.Providers.Gemini;

/// <summary>The official OpenAI SDK, unchanged, against a <c>gemini/</c> model: tools, parallel calls with minted ids, usage, streaming.</summary>
public sealed class GeminiSdkTests : GeminiGatewayTest
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Sdk_two_turn_tool_conversation_with_parallel_calls()
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteJsonAsync(ctx, Up.Requests.Count == 1
            ? GeminiWire.Response(GeminiWire.Call("get_weather", """{"city":"Paris"}""") + "," + GeminiWire.Call("get_weather", """{"city":"Tokyo"}"""), "STOP", GeminiWire.Usage(300, 40, cached: 120, thoughts: 25))
            : GeminiWire.Response(GeminiWire.Text("Paris 18C, Tokyo 25C."), "STOP", GeminiWire.Usage(360, 12)));

        var (first, second) = await SdkToolConversation.RunAsync(Gw.OpenAI().GetChatClient("gemini"), stream: false);

        Assert.Equal(ChatFinishReason.ToolCalls, first.Finish);
        Assert.Equal(2, first.Calls.Count);
        Assert.NotEqual(first.Calls[0].Id, first.Calls[1].Id);
        Assert.Equal("""{"city":"Paris"}""", first.Calls[0].FunctionArguments.ToString());
        Assert.Equal(300, first.Usage!.InputTokenCount); // promptTokenCount already includes the cached part
        Assert.Equal(120, first.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(65, first.Usage.OutputTokenCount); // candidates + thoughts
        Assert.Equal(25, first.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal("Paris 18C, Tokyo 25C.", second.Text);
        Assert.Equal(ChatFinishReason.Stop, second.Finish);
        Assert.Equal(372, second.Usage!.TotalTokenCount);
        Assert.Equal("/v1beta/models/gemini-2.5-flash:generateContent", Up.Last.PathAndQuery);
        AssertSecondTurnSent();
    }

    [Fact]
    public async Task Sdk_two_turn_tool_conversation_with_parallel_calls_streamed()
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteStreamAsync(ctx, Up.Requests.Count == 1
            ?
            [
                GeminiWire.Response(GeminiWire.Text("Checking both."), null),
                GeminiWire.Response(GeminiWire.Call("get_weather", """{"city":"Paris"}"""), null),
                GeminiWire.Response(GeminiWire.Call("get_weather", """{"city":"Tokyo"}"""), "STOP", GeminiWire.Usage(300, 40, cached: 120)),
            ]
            :
            [
                GeminiWire.Response(GeminiWire.Text("Paris 18C, "), null, GeminiWire.Usage(360, 3)),
                GeminiWire.Response(GeminiWire.Text("Tokyo 25C."), "STOP", GeminiWire.Usage(360, 12)),
            ]);

        var (first, second) = await SdkToolConversation.RunAsync(Gw.OpenAI().GetChatClient("gemini"), stream: true);

        Assert.Equal(ChatFinishReason.ToolCalls, first.Finish);
        Assert.Equal("Checking both.", first.Text);
        Assert.Equal(["get_weather", "get_weather"], first.Calls.Select(c => c.FunctionName));
        Assert.Equal("""{"city":"Tokyo"}""", first.Calls[1].FunctionArguments.ToString());
        Assert.Equal(300, first.Usage!.InputTokenCount);
        Assert.Equal(120, first.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal("Paris 18C, Tokyo 25C.", second.Text);
        Assert.Equal(ChatFinishReason.Stop, second.Finish);
        Assert.Equal(12, second.Usage!.OutputTokenCount);
        Assert.Equal("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", Up.Last.PathAndQuery);
        AssertSecondTurnSent();
    }

    /// <summary>The minted ids map back: each functionResponse names the function its call had; both travel in one user turn.</summary>
    private void AssertSecondTurnSent()
    {
        Assert.Equal(GeminiWire.ApiKey, Up.Last.Header("x-goog-api-key"));
        Assert.Null(Up.Last.Header("authorization"));
        var sent = Body(Up.Last);
        Assert.Equal("You are terse.", sent.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString());
        var contents = sent.GetProperty("contents");
        Assert.Equal(["user", "model", "user"], contents.EnumerateArray().Select(c => c.GetProperty("role").GetString()));
        var calls = contents[1].GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(["Paris", "Tokyo"], calls.Select(p => p.GetProperty("functionCall").GetProperty("args").GetProperty("city").GetString()));
        var responses = contents[2].GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("functionResponse")).ToList();
        Assert.Equal(["get_weather", "get_weather"], responses.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal("18C and sunny", responses[0].GetProperty("response").GetProperty("result").GetString());
        var declaration = sent.GetProperty("tools")[0].GetProperty("functionDeclarations")[0];
        Assert.Equal("get_weather", declaration.GetProperty("name").GetString());
        Assert.False(declaration.GetProperty("parameters").TryGetProperty("additionalProperties", out _));
    }

    [Fact]
    public async Task First_translated_chunk_leaves_before_the_upstream_stream_ends()
    {
        var clientSawFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstreamFinished = false;
        Up.Handler = (ctx, _) => GeminiWire.WriteStreamAsync(ctx,
            [GeminiWire.Response(GeminiWire.Text("first"), null), GeminiWire.Response(GeminiWire.Text(" second"), "STOP", GeminiWire.Usage(3, 2))], async i =>
            {
                if (i == 0) await clientSawFirst.Task.WaitAsync(Bound);
                if (i == 1) upstreamFinished = true;
            });

        var text = new StringBuilder();
        await foreach (var u in Gw.OpenAI().GetChatClient("gemini").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
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
