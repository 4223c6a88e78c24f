using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Responses;

/// <summary>
/// <c>POST /v1/responses</c> over plain HTTP against every provider: the <c>response</c> object, the event stream's order
/// and indexes against a recorded native stream, usage booked as <c>call_type: responses</c>, and the 400s of the bridge.
/// </summary>
public sealed class ResponsesEndpointTests : IAsyncLifetime
{
    private ResponsesGateway _r = null!;

    public async Task InitializeAsync() => _r = await ResponsesGateway.StartAsync();

    public async Task DisposeAsync() => await _r.DisposeAsync();

    [Theory]
    [InlineData("gpt-native")]
    [InlineData("gpt-chat")]
    [InlineData("claude")]
    [InlineData("gemini")]
    [InlineData("bedrock-claude")]
    public async Task A_plain_answer_is_a_completed_response_with_usage(string model)
    {
        var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", Yaml.MasterKey, $$"""{"model":"{{model}}","input":"Hello"}""");
        Assert.True(status == 200, body);
        var r = JsonDocument.Parse(body).RootElement;
        Assert.Equal("response", r.GetProperty("object").GetString());
        Assert.Equal("completed", r.GetProperty("status").GetString());
        Assert.StartsWith("resp_", r.GetProperty("id").GetString());
        var message = r.GetProperty("output").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "message");
        Assert.Equal(WeatherFakes.Plain, message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.True(r.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);
        Assert.True(r.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
    }

    [Theory]
    [InlineData("gpt-chat")]
    [InlineData("claude")]
    [InlineData("gemini")]
    [InlineData("bedrock-claude")]
    public async Task A_bridged_stream_has_the_events_of_a_recorded_native_stream(string model)
    {
        var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", Yaml.MasterKey, $$"""{"model":"{{model}}","input":"Hello","stream":true}""");
        Assert.True(status == 200, body);
        var events = Events(body);
        var native = ResponsesWire.TextStream("resp_x", WeatherFakes.PlainPieces).Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Equal(ResponsesWire.Shape(native), ResponsesWire.Shape(events));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.GetProperty("sequence_number").GetInt32()));
        var completed = events[^1].GetProperty("response");
        Assert.Equal(WeatherFakes.Plain, completed.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.True(completed.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("gemini")]
    [InlineData("bedrock-claude")]
    public async Task A_bridged_function_call_streams_like_a_native_one(string model)
    {
        var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", Yaml.MasterKey, $$"""{"model":"{{model}}","input":"Weather in Paris?","stream":true,"tools":[{{Weather}}]}""");
        Assert.True(status == 200, body);
        var events = Events(body);
        var native = ResponsesWire.CallStream("resp_x", "c", "get_weather", "{\"city\"", ":\"Paris\"}").Select(e => JsonDocument.Parse(e).RootElement).ToList();
        // Providers split arguments differently; the events around them are the same.
        Assert.Equal(ResponsesWire.Shape(native).Distinct(), ResponsesWire.Shape(events).Distinct());
        var done = events.Single(e => e.GetProperty("type").GetString() == "response.output_item.done").GetProperty("item");
        Assert.Equal("get_weather", done.GetProperty("name").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(done.GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
        Assert.False(string.IsNullOrEmpty(done.GetProperty("call_id").GetString()));
    }

    [Fact]
    public async Task The_native_route_gets_the_body_as_the_client_wrote_it_and_its_usage_is_booked()
    {
        var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", Yaml.MasterKey,
            """{"model":"gpt-native","input":"Hello","tools":[{"type":"web_search"}],"include":["reasoning.encrypted_content"],"store":false}""");
        Assert.True(status == 200, body);
        var sent = JsonDocument.Parse(_r.OpenAI.Last.Body).RootElement;
        Assert.Equal("/v1/responses", _r.OpenAI.Last.PathAndQuery);
        Assert.Equal("gpt-4.1", sent.GetProperty("model").GetString());
        Assert.Equal("web_search", sent.GetProperty("tools")[0].GetProperty("type").GetString());
        Assert.Equal("reasoning.encrypted_content", sent.GetProperty("include")[0].GetString());
    }

    [Theory]
    [InlineData("""{"model":"claude","input":"x","tools":[{"type":"web_search"}]}""", "tools[0].type")]
    [InlineData("""{"model":"claude","input":[{"type":"item_reference","id":"msg_1"}]}""", "input[0].type")]
    [InlineData("""{"model":"claude","input":"x","text":{"format":{"type":"json_schema"}}}""", "text.format.name")]
    [InlineData("""{"model":"claude","input":"x","reasoning":{"effort":"extreme"}}""", "reasoning.effort")]
    [InlineData("""{"model":"claude","input":5}""", "input")]
    [InlineData("""{"model":"claude"}""", "input")]
    [InlineData("""{"model":"claude","input":"x","max_output_tokens":0}""", "max_output_tokens")]
    [InlineData("""{"model":"claude","input":[{"role":"robot","content":"x"}]}""", "input[0].role")]
    public async Task Bad_requests_get_a_400_naming_the_field(string json, string param)
    {
        var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", Yaml.MasterKey, json);
        Assert.Equal(400, status);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Reasoning_streams_as_summary_events_before_the_message_and_a_capped_answer_is_incomplete()
    {
        _r.Anthropic.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, [AnthropicWire.MessageStart(), AnthropicWire.ThinkingStart(0),
            AnthropicWire.ThinkingDelta(0, "Paris is "), AnthropicWire.ThinkingDelta(0, "in France."), AnthropicWire.SignatureDelta(0), AnthropicWire.BlockStop(0),
            AnthropicWire.TextStart(1), AnthropicWire.TextDelta(1, "Bonjour"), AnthropicWire.BlockStop(1), AnthropicWire.MessageDelta("max_tokens", 16), AnthropicWire.MessageStop()]);
        var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", Yaml.MasterKey,
            """{"model":"claude","input":"Hi","stream":true,"max_output_tokens":16,"reasoning":{"effort":"low","summary":"auto"}}""");
        Assert.True(status == 200, body);
        var events = Events(body);
        Assert.Equal(
        [
            "response.created", "response.in_progress",
            "response.output_item.added o0", "response.reasoning_summary_part.added o0 s0", "response.reasoning_summary_text.delta o0 s0",
            "response.reasoning_summary_text.delta o0 s0", "response.reasoning_summary_text.done o0 s0", "response.reasoning_summary_part.done o0 s0",
            "response.output_item.done o0",
            "response.output_item.added o1", "response.content_part.added o1 c0", "response.output_text.delta o1 c0", "response.output_text.done o1 c0",
            "response.content_part.done o1 c0", "response.output_item.done o1",
            "response.incomplete",
        ], ResponsesWire.Shape(events));
        var final = events[^1].GetProperty("response");
        Assert.Equal("incomplete", final.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", final.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal("Paris is in France.", final.GetProperty("output")[0].GetProperty("summary")[0].GetProperty("text").GetString());
        Assert.Equal("Bonjour", final.GetProperty("output")[1].GetProperty("content")[0].GetProperty("text").GetString());
        var sent = JsonDocument.Parse(_r.Anthropic.Last.Body).RootElement;
        Assert.Equal(16, sent.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task An_upstream_failure_mid_stream_ends_with_an_error_event_in_sequence()
    {
        _r.Anthropic.Handler = (ctx, _) => AnthropicWire.WriteStreamAsync(ctx, [AnthropicWire.MessageStart(), AnthropicWire.TextStart(0),
            AnthropicWire.TextDelta(0, "Half"), AnthropicWire.ErrorEvent("overloaded_error", "Overloaded")]);
        var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", Yaml.MasterKey, """{"model":"claude","input":"Hi","stream":true}""");
        Assert.Equal(200, status);
        var events = Events(body);
        var error = events[^1];
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(events.Count - 1, error.GetProperty("sequence_number").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.DoesNotContain(events, e => e.GetProperty("type").GetString() == "response.completed");
    }

    public const string Weather = """{"type":"function","name":"get_weather","description":"Weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""";

    public static List<JsonElement> Events(string sse) => sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
        .Select(e => e.Split('\n').First(l => l.StartsWith("data: "))[6..])
        .Select(d => JsonDocument.Parse(d).RootElement.Clone()).ToList();
}
