using System.Text;
using System.Text.Json;
using Gateway.Providers.Bedrock.Converse;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>ConverseStream events to OpenAI chunks, one event at a time.</summary>
public sealed class ConverseStreamTranslatorTests
{
    private static ConverseStreamTranslator New() => new("chatcmpl-t", "anthropic.claude", 1700000000);

    private static JsonElement Translate(ConverseStreamTranslator t, string type, string json)
    {
        Assert.True(t.Translate(Encoding.UTF8.GetBytes(type), Encoding.UTF8.GetBytes(json)));
        return JsonDocument.Parse(t.Chunk).RootElement.Clone();
    }

    private static JsonElement Delta(JsonElement chunk) => chunk.GetProperty("choices")[0].GetProperty("delta");

    [Fact]
    public void Message_start_gives_the_assistant_role_chunk()
    {
        var chunk = Translate(New(), "messageStart", """{"role":"assistant","p":"abc"}""");
        Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString());
        Assert.Equal("chatcmpl-t", chunk.GetProperty("id").GetString());
        Assert.Equal("assistant", Delta(chunk).GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, chunk.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
    }

    [Fact]
    public void Unknown_padding_field_p_is_ignored()
    {
        var chunk = Translate(New(), "contentBlockDelta", """{"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ","contentBlockIndex":0,"delta":{"text":"hi"},"zzz":{"nested":[1,2]}}""");
        Assert.Equal("hi", Delta(chunk).GetProperty("content").GetString());
    }

    [Fact]
    public void Unknown_events_and_block_stops_yield_no_chunk()
    {
        var t = New();
        Assert.False(t.Translate("contentBlockStop"u8, """{"contentBlockIndex":0}"""u8));
        Assert.False(t.Translate("somethingNew"u8, """{"x":1}"""u8));
    }

    [Fact]
    public void Reasoning_text_becomes_reasoning_content_and_signature_a_thinking_block()
    {
        var t = New();
        Assert.Equal("think", Delta(Translate(t, "contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"think"}}}""")).GetProperty("reasoning_content").GetString());
        var sig = Delta(Translate(t, "contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"sig=="}}}"""));
        Assert.Equal("sig==", sig.GetProperty("thinking_blocks")[0].GetProperty("signature").GetString());
    }

    [Fact]
    public void Two_tool_blocks_get_openai_indexes_0_and_1_in_order()
    {
        var t = New();
        Translate(t, "contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"x"}}""");
        var first = Delta(Translate(t, "contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"a","name":"f"}}}""")).GetProperty("tool_calls")[0];
        Assert.Equal(0, first.GetProperty("index").GetInt32());
        Assert.Equal("a", first.GetProperty("id").GetString());
        Assert.Equal("f", first.GetProperty("function").GetProperty("name").GetString());
        var second = Delta(Translate(t, "contentBlockStart", """{"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"b","name":"g"}}}""")).GetProperty("tool_calls")[0];
        Assert.Equal(1, second.GetProperty("index").GetInt32());
        var arg = Delta(Translate(t, "contentBlockDelta", """{"contentBlockIndex":2,"delta":{"toolUse":{"input":"{\"q\":1}"}}}""")).GetProperty("tool_calls")[0];
        Assert.Equal(1, arg.GetProperty("index").GetInt32());
        Assert.Equal("{\"q\":1}", arg.GetProperty("function").GetProperty("arguments").GetString());
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("guardrail_intervened", "content_filter")]
    [InlineData("content_filtered", "content_filter")]
    public void Stop_reasons_map_to_finish_reasons(string stop, string finish)
    {
        var chunk = Translate(New(), "messageStop", $$"""{"stopReason":"{{stop}}"}""");
        Assert.Equal(finish, chunk.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void Metadata_gives_a_usage_only_chunk_with_cache_parts_in_prompt_tokens()
    {
        var t = New();
        var chunk = Translate(t, "metadata", """{"usage":{"inputTokens":100,"outputTokens":20,"totalTokens":170,"cacheReadInputTokens":40,"cacheWriteInputTokens":10},"metrics":{"latencyMs":5}}""");
        Assert.Equal(0, chunk.GetProperty("choices").GetArrayLength());
        var usage = chunk.GetProperty("usage");
        Assert.Equal(150, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(20, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(170, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(40, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(10, usage.GetProperty("prompt_tokens_details").GetProperty("cache_creation_tokens").GetInt32());
        // The gateway's own usage reader (used for pricing) sees the same numbers.
        var facts = Gateway.Chat.UsageReader.Read(t.Chunk.Span);
        Assert.False(facts.HasChoices);
        Assert.Equal(new Gateway.TokenUsage(150, 20, 170, 40, 10), facts.Usage);
    }

    [Fact]
    public void A_forced_json_response_tool_streams_as_content_and_finishes_with_stop()
    {
        var t = new ConverseStreamTranslator("chatcmpl-t", "m", 0, jsonTool: true);
        Assert.False(t.Translate("contentBlockStart"u8, """{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"j","name":"json_response"}}}"""u8));
        Assert.Equal("{\"n\":", Delta(Translate(t, "contentBlockDelta", """{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{\"n\":"}}}""")).GetProperty("content").GetString());
        var stop = Translate(t, "messageStop", """{"stopReason":"tool_use"}""");
        Assert.Equal("stop", stop.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }
}
