using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;
using OpenAI.Chat;

namespace Gateway.Tests.Providers.Anthropic;

/// <summary>Anthropic answers, streams and errors -> OpenAI's shapes, one regression test per edge case.</summary>
public sealed class AnthropicResponseTranslationTests : AnthropicGatewayTest
{
    private const string Hi = """{"model":"claude","messages":[{"role":"user","content":"hi"}]}""";
    private const string HiStream = """{"model":"claude","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
    private const string HiStreamUsage = """{"model":"claude","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    public async Task Stop_reason_maps_to_finish_reason(string stopReason, string finish)
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.Text("x"), stopReason));
        using var response = await PostChatAsync(Hi);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(finish, doc.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Thinking_becomes_reasoning_content()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.Thinking("Let me think.") + "," + AnthropicWire.Text("42")));
        using var response = await PostChatAsync(Hi);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var message = doc.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("Let me think.", message.GetProperty("reasoning_content").GetString());
        Assert.Equal("42", message.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Usage_counts_cache_reads_and_writes_in_prompt_tokens_and_keeps_them_apart()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.Text("x"), usage: AnthropicWire.Usage(10, 5, cacheRead: 1000, cacheWrite: 200)));
        using var response = await PostChatAsync(Hi);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var usage = doc.RootElement.GetProperty("usage");
        Assert.Equal(1210, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(1215, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(1000, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(200, usage.GetProperty("prompt_tokens_details").GetProperty("cache_creation_tokens").GetInt32());
    }

    [Fact]
    public async Task Json_schema_output_uses_a_forced_tool_and_comes_back_as_text()
    {
        const string request = """{"model":"claude","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","properties":{"answer":{"type":"number"}}}}}}""";
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.ToolUse("toolu_s", "json_response", """{"answer":42}"""), "tool_use"));
        using var response = await PostChatAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = doc.RootElement.GetProperty("choices")[0];
        Assert.Equal("""{"answer":42}""", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var sent = Body(Up.Last);
        Assert.Equal("""{"type":"tool","name":"json_response"}""", sent.GetProperty("tool_choice").GetRawText());
        Assert.Equal("number", sent.GetProperty("tools")[0].GetProperty("input_schema").GetProperty("properties").GetProperty("answer").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Json_schema_output_streams_as_content()
    {
        const string request = """{"model":"claude","stream":true,"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object"}}}}""";
        Up.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, [AnthropicWire.MessageStart(), AnthropicWire.ToolStart(0, "toolu_s", "json_response"),
            AnthropicWire.JsonDelta(0, "{\"answer\":"), AnthropicWire.JsonDelta(0, "42}"), AnthropicWire.BlockStop(0), AnthropicWire.MessageDelta("tool_use", 9), AnthropicWire.MessageStop()]);
        using var response = await PostChatAsync(request);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        var text = string.Concat(events.Where(e => e != "[DONE]").Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")).Where(c => c.GetArrayLength() > 0)
            .Select(c => c[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal("{\"answer\":42}", text);
        Assert.Contains(events, e => e.Contains("\"finish_reason\":\"stop\""));
        Assert.DoesNotContain(events, e => e.Contains("tool_calls"));
    }

    [Fact]
    public async Task Streamed_thinking_becomes_reasoning_content_and_signature_is_dropped()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, [AnthropicWire.MessageStart(), AnthropicWire.ThinkingStart(0), AnthropicWire.ThinkingDelta(0, "Hmm."),
            AnthropicWire.SignatureDelta(0), AnthropicWire.BlockStop(0), AnthropicWire.TextStart(1), AnthropicWire.TextDelta(1, "Yes."), AnthropicWire.BlockStop(1),
            AnthropicWire.MessageDelta("end_turn", 7), AnthropicWire.MessageStop()]);
        using var response = await PostChatAsync(HiStream);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(events, e => e.Contains("\"reasoning_content\":\"Hmm.\""));
        Assert.Contains(events, e => e.Contains("\"content\":\"Yes.\""));
        Assert.DoesNotContain(events, e => e.Contains("signature"));
    }

    [Fact]
    public async Task Parallel_tool_calls_keep_their_own_index_and_id_and_name_come_first()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, AnthropicWire.ParallelToolStream());
        using var response = await PostChatAsync(HiStream);
        var calls = Sse.Parse(await response.Content.ReadAsStringAsync()).Where(e => e.Contains("\"tool_calls\":["))
            .Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        Assert.Equal([0, 0, 0, 1, 1, 1], calls.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal("toolu_01Paris", calls[0].GetProperty("id").GetString());
        Assert.Equal("get_weather", calls[3].GetProperty("function").GetProperty("name").GetString());
        Assert.False(calls[1].TryGetProperty("id", out _)); // later fragments carry only arguments
        Assert.Equal("{\"city\": \"Paris\"}", string.Concat(calls.Take(3).Select(c => c.GetProperty("function").GetProperty("arguments").GetString())));
    }

    [Fact]
    public async Task Ping_events_are_ignored()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, [AnthropicWire.Ping(), AnthropicWire.MessageStart(), AnthropicWire.Ping(), AnthropicWire.TextStart(0),
            AnthropicWire.Ping(), AnthropicWire.TextDelta(0, "a"), AnthropicWire.Ping(), AnthropicWire.BlockStop(0), AnthropicWire.MessageDelta("end_turn", 1), AnthropicWire.Ping(), AnthropicWire.MessageStop()]);
        using var response = await PostChatAsync(HiStream);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(4, events.Count); // role, "a", finish, [DONE]; the usage chunk is withheld (not asked for)
        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events, e => e.Contains("ping"));
    }

    [Fact]
    public async Task Stream_usage_chunk_is_shown_when_asked_with_cache_tokens()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, AnthropicWire.ParallelToolStream());
        using var response = await PostChatAsync(HiStreamUsage);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        using var usageChunk = JsonDocument.Parse(events[^2]);
        Assert.Equal(0, usageChunk.RootElement.GetProperty("choices").GetArrayLength());
        var usage = usageChunk.RootElement.GetProperty("usage");
        Assert.Equal(570, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(64, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(50, usage.GetProperty("prompt_tokens_details").GetProperty("cache_creation_tokens").GetInt32());
    }

    [Fact]
    public async Task Overloaded_error_event_mid_stream_becomes_an_sse_error_event()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, [AnthropicWire.MessageStart(), AnthropicWire.TextStart(0), AnthropicWire.TextDelta(0, "par"),
            AnthropicWire.ErrorEvent("overloaded_error", "Overloaded")]);
        using var response = await PostChatAsync(HiStream);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("\"par\"", events[^2]);
        using var error = JsonDocument.Parse(events[^1]);
        Assert.Equal("Overloaded", error.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("overloaded_error", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact]
    public async Task Stream_that_ends_before_message_stop_ends_with_an_error_event()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, [AnthropicWire.MessageStart(), AnthropicWire.TextStart(0), AnthropicWire.TextDelta(0, "par")]);
        using var response = await PostChatAsync(HiStream);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("upstream_unreachable", events[^1]);
        Assert.DoesNotContain("[DONE]", events);
    }

    [Theory]
    [InlineData(400, "invalid_request_error", "invalid_request_error")]
    [InlineData(401, "authentication_error", "authentication_error")]
    [InlineData(403, "permission_error", "permission_error")]
    [InlineData(404, "not_found_error", "invalid_request_error")]
    [InlineData(429, "rate_limit_error", "rate_limit_error")]
    [InlineData(500, "api_error", "api_error")]
    [InlineData(529, "overloaded_error", "api_error")]
    public async Task Error_classes_map_to_openai_shape_with_the_same_status(int status, string anthropicType, string openAIType)
    {
        Up.Handler = async (ctx, _) =>
        {
            if (status == 429) ctx.Response.Headers.RetryAfter = "7";
            await AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Error(anthropicType, "upstream says no"), status);
        };
        using var response = await PostChatAsync(Hi);
        Assert.Equal(status, (int)response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(doc.RootElement.TryGetProperty("type", out _)); // OpenAI shape, not Anthropic's
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("upstream says no", error.GetProperty("message").GetString());
        Assert.Equal(openAIType, error.GetProperty("type").GetString());
        Assert.Equal(anthropicType, error.GetProperty("code").GetString());
        if (status == 429) Assert.Equal("7", response.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Sdk_sees_overloaded_as_a_server_error()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Error("overloaded_error", "Overloaded"), 529);
        var e = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => Gw.OpenAI().GetChatClient("claude").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(529, e.Status);
    }
}
