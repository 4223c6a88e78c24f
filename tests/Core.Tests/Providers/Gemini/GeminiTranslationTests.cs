using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Providers.Gemini;

/// <summary>OpenAI <-> Gemini translation, one regression test per edge case.</summary>
public sealed class GeminiTranslationTests : GeminiGatewayTest
{
    private const string Hi = """{"model":"gemini","messages":[{"role":"user","content":"hi"}]}""";
    private const string HiStream = """{"model":"gemini","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Unsupported_schema_keywords_are_removed_and_nullable_types_rewritten()
    {
        var sent = await SentForAsync("""
            {"model":"gemini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","strict":true,"parameters":
             {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,
              "properties":{"unit":{"type":["string","null"],"enum":["c","f"],"default":"c"},"tags":{"type":"array","items":{"type":"string","examples":["x"]}},
                            "kind":{"const":"weather"},"additionalProperties":{"type":"string"}},"required":["unit"]}}}]}
            """);
        var parameters = sent.GetProperty("tools")[0].GetProperty("functionDeclarations")[0].GetProperty("parameters");
        var text = parameters.GetRawText();
        foreach (var banned in new[] { "$schema", "\"default\"", "examples", "strict", "const" }) Assert.DoesNotContain(banned, text);
        Assert.False(parameters.TryGetProperty("additionalProperties", out _));
        var unit = parameters.GetProperty("properties").GetProperty("unit");
        Assert.Equal("string", unit.GetProperty("type").GetString());
        Assert.True(unit.GetProperty("nullable").GetBoolean());
        Assert.Equal("weather", parameters.GetProperty("properties").GetProperty("kind").GetProperty("enum")[0].GetString());
        // A property that happens to be named like a keyword is kept: names are data, not keywords.
        Assert.Equal("string", parameters.GetProperty("properties").GetProperty("additionalProperties").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_function_without_parameters_is_declared_without_an_empty_object_schema()
    {
        var sent = await SentForAsync("""{"model":"gemini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}}]}""");
        Assert.False(sent.GetProperty("tools")[0].GetProperty("functionDeclarations")[0].TryGetProperty("parameters", out _));
    }

    [Theory]
    [InlineData("\"auto\"", "AUTO", null)]
    [InlineData("\"none\"", "NONE", null)]
    [InlineData("\"required\"", "ANY", null)]
    [InlineData("""{"type":"function","function":{"name":"f"}}""", "ANY", "f")]
    public async Task Tool_choice_maps_to_function_calling_config(string choice, string mode, string? only)
    {
        var sent = await SentForAsync($$$"""{"model":"gemini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{{{choice}}} }""");
        var config = sent.GetProperty("toolConfig").GetProperty("functionCallingConfig");
        Assert.Equal(mode, config.GetProperty("mode").GetString());
        if (only is null) Assert.False(config.TryGetProperty("allowedFunctionNames", out _));
        else Assert.Equal(only, config.GetProperty("allowedFunctionNames")[0].GetString());
    }

    [Fact]
    public async Task Generation_config_carries_sampling_stop_length_json_schema_and_thinking()
    {
        var sent = await SentForAsync("""
            {"model":"gemini","messages":[{"role":"user","content":"hi"}],"temperature":0.2,"top_p":0.8,"max_completion_tokens":256,"stop":"END","seed":7,
             "reasoning_effort":"low","response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":false}}}}
            """);
        var g = sent.GetProperty("generationConfig");
        Assert.Equal(0.2, g.GetProperty("temperature").GetDouble());
        Assert.Equal(0.8, g.GetProperty("topP").GetDouble());
        Assert.Equal(256, g.GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal("END", g.GetProperty("stopSequences")[0].GetString());
        Assert.Equal(7, g.GetProperty("seed").GetInt32());
        Assert.Equal("application/json", g.GetProperty("responseMimeType").GetString());
        Assert.Equal("integer", g.GetProperty("responseSchema").GetProperty("properties").GetProperty("a").GetProperty("type").GetString());
        Assert.False(g.GetProperty("responseSchema").TryGetProperty("additionalProperties", out _));
        Assert.Equal(1024, g.GetProperty("thinkingConfig").GetProperty("thinkingBudget").GetInt32());
    }

    [Fact]
    public async Task Images_become_inline_data_or_file_data_and_cache_control_is_stripped()
    {
        var sent = await SentForAsync("""
            {"model":"gemini","messages":[{"role":"user","content":[{"type":"text","text":"What?","cache_control":{"type":"ephemeral"}},
             {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},{"type":"image_url","image_url":{"url":"https://example.com/a.webp"}}]}]}
            """);
        var parts = sent.GetProperty("contents")[0].GetProperty("parts");
        Assert.Equal("image/png", parts[1].GetProperty("inlineData").GetProperty("mimeType").GetString());
        Assert.Equal("iVBORw0KGgo=", parts[1].GetProperty("inlineData").GetProperty("data").GetString());
        Assert.Equal("https://example.com/a.webp", parts[2].GetProperty("fileData").GetProperty("fileUri").GetString());
        Assert.Equal("image/webp", parts[2].GetProperty("fileData").GetProperty("mimeType").GetString());
        Assert.DoesNotContain("cache_control", sent.GetRawText());
    }

    [Fact]
    public async Task Tool_result_with_is_error_is_sent_as_an_error_response()
    {
        var sent = await SentForAsync("""
            {"model":"gemini","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"","tool_calls":[{"id":"call_x","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"call_x","content":"not found","is_error":true}]}
            """);
        var contents = sent.GetProperty("contents");
        Assert.Equal(1, contents[1].GetProperty("parts").GetArrayLength()); // the empty assistant text is not sent
        var response = contents[2].GetProperty("parts")[0].GetProperty("functionResponse");
        Assert.Equal("lookup", response.GetProperty("name").GetString());
        Assert.Equal("not found", response.GetProperty("response").GetProperty("error").GetString());
    }

    [Fact]
    public async Task Minted_id_alone_maps_back_to_its_function_name()
    {
        // A client that trimmed the assistant turn still answers with the id; the name is inside it.
        var sent = await SentForAsync("""{"model":"gemini","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"call_0123456789ab_get_weather","content":"18C"}]}""");
        // The user text and the tool answer are both user turns, so they are merged into one.
        Assert.Equal("get_weather", sent.GetProperty("contents")[0].GetProperty("parts")[1].GetProperty("functionResponse").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Unknown_tool_call_id_is_a_400()
    {
        using var response = await PostChatAsync("""{"model":"gemini","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"nope","content":"x"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("messages[1].tool_call_id", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("STOP", "stop")]
    [InlineData("MAX_TOKENS", "length")]
    [InlineData("SAFETY", "content_filter")]
    [InlineData("RECITATION", "content_filter")]
    [InlineData("BLOCKLIST", "content_filter")]
    [InlineData("PROHIBITED_CONTENT", "content_filter")]
    [InlineData("SPII", "content_filter")]
    public async Task Finish_reason_maps(string gemini, string openAI)
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteJsonAsync(ctx, GeminiWire.Response(GeminiWire.Text("x"), gemini, GeminiWire.Usage(3, 1)));
        using var response = await PostChatAsync(Hi);
        Assert.Equal(openAI, Choice(await response.Content.ReadAsStringAsync()).GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Safety_blocked_prompt_becomes_content_filter_with_no_content()
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteJsonAsync(ctx, GeminiWire.Blocked());
        using var response = await PostChatAsync(Hi);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var choice = Choice(await response.Content.ReadAsStringAsync());
        Assert.Equal("content_filter", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("", choice.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Safety_blocked_prompt_streamed_finishes_with_content_filter()
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteStreamAsync(ctx, [GeminiWire.Blocked()]);
        using var response = await PostChatAsync(HiStream);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(events, e => e.Contains("\"finish_reason\":\"content_filter\""));
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task Thought_parts_become_reasoning_content()
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteJsonAsync(ctx, GeminiWire.Response(GeminiWire.Thought("Considering.") + "," + GeminiWire.Text("Done."), "STOP", GeminiWire.Usage(3, 2, thoughts: 4)));
        using var response = await PostChatAsync(Hi);
        var message = Choice(await response.Content.ReadAsStringAsync()).GetProperty("message");
        Assert.Equal("Considering.", message.GetProperty("reasoning_content").GetString());
        Assert.Equal("Done.", message.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Streamed_parallel_calls_in_one_event_keep_their_own_index()
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteStreamAsync(ctx,
            [GeminiWire.Response(GeminiWire.Call("a", "{}") + "," + GeminiWire.Call("b", """{"x":1}"""), "STOP", GeminiWire.Usage(3, 2))]);
        using var response = await PostChatAsync(HiStream);
        var chunk = Sse.Parse(await response.Content.ReadAsStringAsync()).Single(e => e.Contains("\"tool_calls\":["));
        var choice = JsonDocument.Parse(chunk).RootElement.GetProperty("choices")[0];
        var calls = choice.GetProperty("delta").GetProperty("tool_calls");
        Assert.Equal([0, 1], calls.EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal("b", calls[1].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData(400, "INVALID_ARGUMENT", "invalid_request_error")]
    [InlineData(403, "PERMISSION_DENIED", "permission_error")]
    [InlineData(404, "NOT_FOUND", "invalid_request_error")]
    [InlineData(429, "RESOURCE_EXHAUSTED", "rate_limit_error")]
    [InlineData(500, "INTERNAL", "api_error")]
    [InlineData(503, "UNAVAILABLE", "api_error")]
    public async Task Error_classes_map_to_openai_shape_with_the_same_status(int status, string googleStatus, string type)
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteJsonAsync(ctx, GeminiWire.Error(status, googleStatus, "upstream says no"), status);
        using var response = await PostChatAsync(Hi);
        Assert.Equal(status, (int)response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("upstream says no", error.GetProperty("message").GetString());
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(googleStatus, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Error_object_mid_stream_becomes_an_sse_error_event()
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteStreamAsync(ctx, [GeminiWire.Response(GeminiWire.Text("par"), null), GeminiWire.Error(503, "UNAVAILABLE", "The model is overloaded.")]);
        using var response = await PostChatAsync(HiStream);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("\"par\"", events[0]);
        Assert.Contains("The model is overloaded.", events[^1]);
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact]
    public async Task Api_base_without_a_version_gets_v1beta()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: $"""
              - model_name: g
                litellm_params:
                  model: gemini/gemini-2.5-pro
                  api_base: {Up.BaseAddress.ToString().TrimEnd('/')}
                  api_key: k
            """));
        Up.Handler = (ctx, _) => GeminiWire.WriteJsonAsync(ctx, GeminiWire.Response(GeminiWire.Text("ok"), usage: GeminiWire.Usage(1, 1)));
        using var response = await gw.Http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"g","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/v1beta/models/gemini-2.5-pro:generateContent", Up.Last.PathAndQuery);
    }

    [Fact]
    public async Task System_only_prompt_is_sent_as_the_user_content()
    {
        var sent = await SentForAsync("""{"model":"gemini","messages":[{"role":"system","content":"Say hi."}]}""");
        Assert.False(sent.TryGetProperty("systemInstruction", out _));
        Assert.Equal("Say hi.", sent.GetProperty("contents")[0].GetProperty("parts")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Thought_signature_on_a_function_call_travels_in_the_id_and_returns_next_turn()
    {
        const string signature = "CiQBVKhc7+4dZnA/sig==";
        Up.Handler = (ctx, _) => GeminiWire.WriteJsonAsync(ctx, Up.Requests.Count == 1
            ? GeminiWire.Response(GeminiWire.SignedCall("get_weather", """{"city":"Paris"}""", signature) + "," + GeminiWire.Call("get_weather", """{"city":"Tokyo"}"""), "STOP", GeminiWire.Usage(9, 9))
            : GeminiWire.Response(GeminiWire.Text("done"), "STOP", GeminiWire.Usage(9, 1)));
        var (first, _) = await SdkToolConversation.RunAsync(Gw.OpenAI().GetChatClient("gemini"), stream: false);

        Assert.EndsWith("_get_weather~" + signature, first.Calls[0].Id);
        Assert.DoesNotContain("~", first.Calls[1].Id);
        var contents = Body(Up.Last).GetProperty("contents");
        var calls = contents[1].GetProperty("parts");
        Assert.Equal(signature, calls[0].GetProperty("thoughtSignature").GetString());
        Assert.False(calls[1].TryGetProperty("thoughtSignature", out _));
        Assert.Equal("get_weather", contents[2].GetProperty("parts")[0].GetProperty("functionResponse").GetProperty("name").GetString());
    }
}
