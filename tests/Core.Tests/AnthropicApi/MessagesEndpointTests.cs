using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.AnthropicApi;

/// <summary>
/// <c>POST /v1/messages</c>: Anthropic-format clients served by an OpenAI-format model (translated both ways, streamed and
/// not) and by an Anthropic model (passed through with only the model renamed); errors in Anthropic's shape.
/// </summary>
public sealed class MessagesEndpointTests : UpstreamGatewayTest
{
    // The claude group may forward the client's anthropic-beta header; the others may not (the default).
    protected override string Config(FakeUpstream up) =>
        Yaml.Config(up.V1, extraModels: AnthropicWire.Models(up.BaseAddress.ToString().TrimEnd('/')) + "\n" + GeminiWire.Models(up.BaseAddress.ToString().TrimEnd('/')))
        + "\nlitellm_settings:\n  model_group_settings:\n    forward_client_headers_to_llm_api: [claude]\n";

    private Task<HttpResponseMessage> PostAsync(string json, string path = "/v1/messages") =>
        Gw.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static JsonElement Json(string s) => JsonDocument.Parse(s).RootElement;

    private static List<(string Event, JsonElement Data)> Events(string body) => body.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
        .Select(e => e.Split('\n'))
        .Select(lines => (lines.First(l => l.StartsWith("event:"))[6..].Trim(), Json(string.Join("\n", lines.Where(l => l.StartsWith("data:")).Select(l => l[5..].Trim())))))
        .ToList();

    [Fact]
    public async Task Openai_backed_model_answers_in_anthropic_message_format()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("Bonjour!", prompt: 30, completion: 4));
        using var response = await PostAsync("""{"model":"gpt-4o-mini","max_tokens":100,"system":"Be French.","messages":[{"role":"user","content":"Hello"}],"stop_sequences":["END"],"temperature":0.5}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var m = Json(await response.Content.ReadAsStringAsync());
        Assert.Equal("message", m.GetProperty("type").GetString());
        Assert.Equal("assistant", m.GetProperty("role").GetString());
        Assert.Equal("gpt-4o-mini", m.GetProperty("model").GetString());
        Assert.StartsWith("msg_", m.GetProperty("id").GetString());
        Assert.Equal("Bonjour!", m.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", m.GetProperty("stop_reason").GetString());
        Assert.Equal(30, m.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(4, m.GetProperty("usage").GetProperty("output_tokens").GetInt32());

        Assert.Equal("/v1/chat/completions", Up.Last.PathAndQuery);
        var sent = Json(Up.Last.Body);
        Assert.Equal(["system", "user"], sent.GetProperty("messages").EnumerateArray().Select(x => x.GetProperty("role").GetString()));
        Assert.Equal("Be French.", sent.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(100, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal("END", sent.GetProperty("stop")[0].GetString());
    }

    [Fact]
    public async Task Openai_backed_model_streams_anthropic_events()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["Bon", "jour"], includeUsage: true, prompt: 30, completion: 4));
        using var response = await PostAsync("""{"model":"gpt-4o-mini","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hello"}]}""");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = Events(await response.Content.ReadAsStringAsync());
        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"], events.Select(e => e.Event));
        Assert.All(events, e => Assert.Equal(e.Event, e.Data.GetProperty("type").GetString()));
        Assert.Equal("Bonjour", string.Concat(events.Where(e => e.Event == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString())));
        var delta = events[^2].Data;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(4, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.True(OpenAIWire.AskedForUsage(Up.Last));
    }

    [Fact]
    public async Task Openai_parallel_tool_calls_stream_as_tool_use_blocks()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.ParallelToolCallStream(includeUsage: true));
        using var response = await PostAsync("""{"model":"gpt-4o-mini","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Weather?"}],"tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],"tool_choice":{"type":"any"}}""");
        var events = Events(await response.Content.ReadAsStringAsync());
        var starts = events.Where(e => e.Event == "content_block_start").Select(e => e.Data).ToList();
        Assert.Equal([0, 1], starts.Select(s => s.GetProperty("index").GetInt32()));
        Assert.Equal(["call_weather_paris", "call_weather_tokyo"], starts.Select(s => s.GetProperty("content_block").GetProperty("id").GetString()));
        var json = events.Where(e => e.Event == "content_block_delta" && e.Data.GetProperty("index").GetInt32() == 1).Select(e => e.Data.GetProperty("delta").GetProperty("partial_json").GetString());
        Assert.Equal("{\"city\": \"Tokyo\"}", string.Concat(json));
        Assert.Equal("tool_use", events.Single(e => e.Event == "message_delta").Data.GetProperty("delta").GetProperty("stop_reason").GetString());
        var sent = Json(Up.Last.Body);
        Assert.Equal("required", sent.GetProperty("tool_choice").GetString());
        Assert.Equal("get_weather", sent.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Tool_use_and_tool_result_blocks_become_openai_tool_calls_and_tool_messages()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.ToolCallCompletion(("call_9", "get_weather", """{"city":"Oslo"}""")));
        using var response = await PostAsync("""
            {"model":"gpt-4o-mini","max_tokens":100,"messages":[{"role":"user","content":"Weather?"},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},{"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Nowhere"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"18C"},{"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"unknown city"}],"is_error":true},{"type":"text","text":"And Oslo?"}]}]}
            """);
        var m = Json(await response.Content.ReadAsStringAsync());
        Assert.Equal("tool_use", m.GetProperty("stop_reason").GetString());
        var use = m.GetProperty("content")[0];
        Assert.Equal("call_9", use.GetProperty("id").GetString());
        Assert.Equal("Oslo", use.GetProperty("input").GetProperty("city").GetString());

        var sent = Json(Up.Last.Body).GetProperty("messages");
        Assert.Equal(["user", "assistant", "tool", "tool", "user"], sent.EnumerateArray().Select(x => x.GetProperty("role").GetString()));
        Assert.Equal(JsonValueKind.Null, sent[1].GetProperty("content").ValueKind);
        Assert.Equal("{\"city\":\"Paris\"}", sent[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        // OpenAI-format servers do not know is_error: the failure is marked in the text instead.
        Assert.Equal("Error: unknown city", sent[3].GetProperty("content").GetString());
        Assert.False(sent[3].TryGetProperty("is_error", out _));
    }

    [Fact]
    public async Task Anthropic_model_gets_the_request_unchanged_except_the_model_name()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.Text("hi back")));
        const string request = """{"model":"claude","max_tokens":50,"system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"hi"}],"top_k":5,"x_future_field":{"a":1}}""";
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(request, Encoding.UTF8, "application/json") };
        message.Headers.Add("anthropic-beta", "prompt-caching-2024-07-31");
        using var response = await Gw.Http.SendAsync(message);
        Assert.Equal(AnthropicWire.Message(AnthropicWire.Text("hi back")), await response.Content.ReadAsStringAsync());
        Assert.Equal("/v1/messages", Up.Last.PathAndQuery);
        Assert.Equal(request.Replace("\"model\":\"claude\"", "\"model\":\"claude-sonnet-4-5\""), Up.Last.Body);
        Assert.Equal("prompt-caching-2024-07-31", Up.Last.Header("anthropic-beta"));
        Assert.Equal(AnthropicWire.ApiKey, Up.Last.Header("x-api-key"));
    }

    [Fact]
    public async Task Anthropic_beta_header_is_dropped_for_groups_not_allowed_to_forward_client_headers()
    {
        // anthropic-beta switches on paid upstream features (1M context and the like): a client may not turn them on
        // for a group whose config does not list it in forward_client_headers_to_llm_api.
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.Text("hi back")));
        var name = AnthropicWire.Models(Up.BaseAddress.ToString()).Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("- model_name:"))["- model_name:".Length..].Trim();
        Assert.Equal("claude", name); // the first Anthropic group is the allowed one; the check below uses another
        var other = AnthropicWire.Models(Up.BaseAddress.ToString()).Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("- model_name:"))
            .Select(l => l["- model_name:".Length..].Trim()).FirstOrDefault(n => n != "claude");
        Assert.NotNull(other);
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent($$"""{"model":"{{other}}","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("anthropic-beta", "context-1m-2025-08-07");
        using var response = await Gw.Http.SendAsync(message);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Up.Last.Header("anthropic-beta"));
    }

    [Fact]
    public async Task Anthropic_model_stream_is_passed_through_event_by_event()
    {
        var upstreamEvents = AnthropicWire.TextStream("a", "b");
        Up.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, upstreamEvents);
        using var response = await PostAsync("""{"model":"claude","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var events = Events(await response.Content.ReadAsStringAsync());
        Assert.Equal(upstreamEvents.Select(e => e.Item1), events.Select(e => e.Event)); // ping included: it is Anthropic's own stream
        Assert.Equal(Json(upstreamEvents[3].Item2).GetRawText(), events[3].Data.GetRawText());
    }

    [Fact]
    public async Task Anthropic_upstream_error_keeps_its_anthropic_type_and_status()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Error("overloaded_error", "Overloaded"), 529);
        using var response = await PostAsync("""{"model":"claude","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal(AnthropicWire.Error("overloaded_error", "Overloaded"), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Openai_upstream_error_is_given_in_anthropic_shape()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("Rate limit reached", "requests", "rate_limit_exceeded"), 429);
        using var response = await PostAsync("""{"model":"gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(429, (int)response.StatusCode);
        var e = Json(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", e.GetProperty("type").GetString());
        Assert.Equal("rate_limit_error", e.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("Rate limit reached", e.GetProperty("error").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("""{"model":"nope","max_tokens":5,"messages":[]}""", 404, "not_found_error")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error")]
    [InlineData("""{"model":"gpt-4o-mini","max_tokens":5}""", 400, "invalid_request_error")]
    [InlineData("""not json""", 400, "invalid_request_error")]
    public async Task Bad_requests_get_anthropic_error_shape(string body, int status, string type)
    {
        using var response = await PostAsync(body);
        Assert.Equal(status, (int)response.StatusCode);
        var e = Json(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", e.GetProperty("type").GetString());
        Assert.Equal(type, e.GetProperty("error").GetProperty("type").GetString());
        Assert.Empty(Up.Requests);
    }

    [Fact]
    public async Task Auth_accepts_x_api_key_and_rejects_a_wrong_one_in_anthropic_shape()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("ok"));
        using var http = new HttpClient { BaseAddress = Gw.BaseAddress };
        const string body = """{"model":"gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""";
        using var ok = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        ok.Headers.Add("x-api-key", Yaml.MasterKey);
        using var okResponse = await http.SendAsync(ok);
        Assert.Equal(HttpStatusCode.OK, okResponse.StatusCode);

        using var bad = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        bad.Headers.Add("x-api-key", "sk-wrong");
        using var badResponse = await http.SendAsync(bad);
        Assert.Equal(HttpStatusCode.Unauthorized, badResponse.StatusCode);
        Assert.Equal("authentication_error", Json(await badResponse.Content.ReadAsStringAsync()).GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Count_tokens_estimates_for_openai_models_and_asks_anthropic_for_its_own()
    {
        using var estimate = await PostAsync("""{"model":"gpt-4o-mini","system":"Be brief.","messages":[{"role":"user","content":"How many tokens is this sentence roughly?"}]}""", "/v1/messages/count_tokens");
        Assert.Equal(HttpStatusCode.OK, estimate.StatusCode);
        var n = Json(await estimate.Content.ReadAsStringAsync()).GetProperty("input_tokens").GetInt32();
        Assert.InRange(n, 8, 40);
        Assert.Empty(Up.Requests);

        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, """{"input_tokens":2095}""");
        using var exact = await PostAsync("""{"model":"claude","messages":[{"role":"user","content":"hi"}]}""", "/v1/messages/count_tokens");
        Assert.Equal(2095, Json(await exact.Content.ReadAsStringAsync()).GetProperty("input_tokens").GetInt32());
        Assert.Equal("/v1/messages/count_tokens", Up.Last.PathAndQuery);
        Assert.Contains("\"model\":\"claude-sonnet-4-5\"", Up.Last.Body);
    }

    [Fact]
    public async Task Mock_model_answers_messages_offline()
    {
        using var response = await PostAsync("""{"model":"mock","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""");
        var m = Json(await response.Content.ReadAsStringAsync());
        Assert.Equal("This is a mock response from mock-1.", m.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Translated_stream_error_after_start_becomes_an_anthropic_error_event()
    {
        Up.Handler = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync("data: " + OpenAIWire.Chunk("""{"role":"assistant","content":"par"}""") + "\n\n");
            await ctx.Response.WriteAsync("data: " + OpenAIWire.Error("The server had an error.", "server_error", null) + "\n\n");
        };
        using var response = await PostAsync("""{"model":"gpt-4o-mini","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var events = Events(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", events[^1].Event);
        Assert.Equal("error", events[^1].Data.GetProperty("type").GetString());
        Assert.Equal("api_error", events[^1].Data.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain(events, e => e.Event == "message_stop");
    }

    [Fact]
    public async Task Translated_stream_first_event_leaves_before_the_upstream_stream_ends()
    {
        var clientSawText = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstreamFinished = false;
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["first", " second"], includeUsage: true), async i =>
        {
            if (i == 1) await clientSawText.Task.WaitAsync(TimeSpan.FromSeconds(20));
            if (i == 4) upstreamFinished = true;
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        using var response = await Gw.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            seen.AppendLine(line);
            if (line.Contains("\"text_delta\"") && line.Contains("\"first\""))
            {
                Assert.False(upstreamFinished);
                clientSawText.TrySetResult();
            }
        }
        Assert.True(clientSawText.Task.IsCompletedSuccessfully);
        Assert.Contains("message_stop", seen.ToString());
    }

    [Fact]
    public async Task Openai_reasoning_streams_as_a_thinking_block_before_the_text_block()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteStreamAsync(ctx, [
            OpenAIWire.Chunk("""{"role":"assistant","content":""}"""), OpenAIWire.Chunk("""{"reasoning_content":"Hmm."}"""),
            OpenAIWire.Chunk("""{"content":"Yes."}"""), OpenAIWire.Chunk("{}", "stop"), OpenAIWire.UsageChunk(5, 2)]);
        using var response = await PostAsync("""{"model":"gpt-4o-mini","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var events = Events(await response.Content.ReadAsStringAsync());
        var starts = events.Where(e => e.Event == "content_block_start").Select(e => e.Data.GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal(["thinking", "text"], starts);
        Assert.Contains(events, e => e.Event == "content_block_delta" && e.Data.GetProperty("delta").GetProperty("type").GetString() == "thinking_delta");
        Assert.Equal(2, events.Count(e => e.Event == "content_block_stop"));
    }

    [Fact]
    public async Task Gemini_backed_model_gets_tool_results_with_is_error_kept()
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteJsonAsync(ctx, GeminiWire.Response(GeminiWire.Text("Sorry."), "STOP", GeminiWire.Usage(40, 2, cached: 10)));
        using var response = await PostAsync("""
            {"model":"gemini","max_tokens":100,"messages":[{"role":"user","content":"Weather?"},
             {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Nowhere"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"unknown city","is_error":true}]}]}
            """);
        var m = Json(await response.Content.ReadAsStringAsync());
        Assert.Equal("Sorry.", m.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(30, m.GetProperty("usage").GetProperty("input_tokens").GetInt32()); // cached tokens are reported apart
        Assert.Equal(10, m.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt32());
        var contents = Json(Up.Last.Body).GetProperty("contents");
        var fr = contents[2].GetProperty("parts")[0].GetProperty("functionResponse");
        Assert.Equal("get_weather", fr.GetProperty("name").GetString());
        Assert.Equal("unknown city", fr.GetProperty("response").GetProperty("error").GetString());
    }
}
