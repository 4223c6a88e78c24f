using System.Text;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Providers.Bedrock.Converse;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>Converse responses to OpenAI chat.completion bodies.</summary>
public sealed class ConverseResponseReaderTests
{
    private static (JsonElement Root, TokenUsage Usage) Translate(string body, bool jsonTool = false)
    {
        var result = ConverseResponseReader.Translate(Encoding.UTF8.GetBytes(body), "chatcmpl-x", "m", 1, "label", jsonTool);
        return (JsonDocument.Parse(result.Body).RootElement.Clone(), result.Usage);
    }

    [Fact]
    public void Reasoning_text_and_tool_use_map_to_their_openai_fields()
    {
        var (root, _) = Translate("""
            {"output":{"message":{"role":"assistant","content":[
              {"reasoningContent":{"reasoningText":{"text":"thinking...","signature":"s"}}},
              {"text":"Calling."},
              {"toolUse":{"toolUseId":"t1","name":"f","input":{"a":[1,2]}}}]}},
             "stopReason":"tool_use","usage":{"inputTokens":5,"outputTokens":6,"totalTokens":11}}
            """);
        var choice = root.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        Assert.Equal("Calling.", message.GetProperty("content").GetString());
        Assert.Equal("thinking...", message.GetProperty("reasoning_content").GetString());
        var call = message.GetProperty("tool_calls")[0];
        Assert.Equal("t1", call.GetProperty("id").GetString());
        Assert.Equal("""{"a":[1,2]}""", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void A_tool_only_answer_has_null_content()
    {
        var (root, _) = Translate("""{"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"f","input":{}}}]}},"stopReason":"tool_use","usage":{"inputTokens":1,"outputTokens":1}}""");
        Assert.Equal(JsonValueKind.Null, root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").ValueKind);
    }

    [Fact]
    public void Json_response_tool_input_becomes_the_content_and_the_finish_is_stop()
    {
        var (root, _) = Translate("""{"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"j","name":"json_response","input":{"answer":42}}}]}},"stopReason":"tool_use","usage":{"inputTokens":1,"outputTokens":1}}""", jsonTool: true);
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("""{"answer":42}""", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void Usage_counts_cache_reads_and_writes_into_prompt_tokens_and_keeps_them_apart()
    {
        var (root, usage) = Translate("""{"output":{"message":{"role":"assistant","content":[{"text":"x"}]}},"stopReason":"end_turn","usage":{"inputTokens":10,"outputTokens":4,"totalTokens":1014,"cacheReadInputTokens":900,"cacheWriteInputTokens":100}}""");
        Assert.Equal(new TokenUsage(1010, 4, 1014, 900, 100), usage);
        Assert.Equal(usage, UsageReader.Read(Encoding.UTF8.GetBytes(root.GetRawText())).Usage);
    }
}
