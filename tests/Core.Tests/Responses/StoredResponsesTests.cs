using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;

namespace Gateway.Tests.Responses;

/// <summary>
/// Kept responses on a bridged provider: a two-step conversation through <c>previous_response_id</c> keeps the first turn's
/// content and tool results; <c>GET</c>, <c>input_items</c> and <c>DELETE</c> work for the key that made it (and its
/// team), and for any other key the response does not exist: it cannot be read, listed, deleted or continued, and trying
/// uses no rate-limit slot and books nothing.
/// </summary>
public sealed class StoredResponsesTests : IAsyncLifetime
{
    private ResponsesGateway _r = null!;

    public async Task InitializeAsync() => _r = await ResponsesGateway.StartAsync();

    public async Task DisposeAsync() => await _r.DisposeAsync();

    private async Task<JsonElement> CreateAsync(string key, string json)
    {
        var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", key, json);
        Assert.True(status == 200, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_two_step_conversation_keeps_the_first_turns_content_and_tool_results(bool stream)
    {
        var key = await _r.KeyAsync();
        var s = stream ? ""","stream":true""" : "";
        var first = await FinalAsync(key, $$"""{"model":"claude","instructions":"Be terse.","input":"Weather in Paris?","tools":[{{ResponsesEndpointTests.Weather}}]{{s}}}""");
        var call = first.GetProperty("output").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "function_call");
        var second = await FinalAsync(key, $$"""{"model":"claude","previous_response_id":"{{first.GetProperty("id").GetString()}}","tools":[{{ResponsesEndpointTests.Weather}}],"input":[{"type":"function_call_output","call_id":"{{call.GetProperty("call_id").GetString()}}","output":"18C and sunny"}]{{s}}}""");
        Assert.Equal(WeatherFakes.AfterTool, second.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("previous_response_id").GetString());

        // What Anthropic got for the second turn: the first user turn, the tool call and its result, in order.
        var sent = JsonDocument.Parse(_r.Anthropic.Last.Body).RootElement;
        // As at OpenAI, the first turn's instructions are not carried over by previous_response_id.
        Assert.False(sent.TryGetProperty("system", out _));
        Assert.Contains("Be terse.", _r.Anthropic.Requests[^2].Body);
        var messages = sent.GetProperty("messages");
        Assert.Equal("Weather in Paris?", Text(messages[0]));
        var toolUse = messages[1].GetProperty("content").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "tool_use");
        Assert.Equal("Paris", toolUse.GetProperty("input").GetProperty("city").GetString());
        var result = messages[2].GetProperty("content").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "tool_result");
        Assert.Equal(toolUse.GetProperty("id").GetString(), result.GetProperty("tool_use_id").GetString());
        Assert.Contains("18C and sunny", result.GetRawText());

        // A third step from the second keeps all of it.
        var third = await FinalAsync(key, $$"""{"model":"claude","previous_response_id":"{{second.GetProperty("id").GetString()}}","input":"Thanks!"{{s}}}""");
        Assert.Equal("completed", third.GetProperty("status").GetString());
        var last = JsonDocument.Parse(_r.Anthropic.Last.Body).RootElement.GetProperty("messages");
        Assert.Equal(5, last.GetArrayLength()); // user, tool_use, tool_result, assistant's answer, "Thanks!"
        Assert.Equal(WeatherFakes.AfterTool, Text(last[3]));
        Assert.Equal("Thanks!", Text(last[4]));
    }

    [Fact]
    public async Task Get_input_items_and_delete_work_for_the_key_and_its_team_only()
    {
        await _r.TeamAsync("blue");
        var owner = await _r.KeyAsync("blue");
        var teammate = await _r.KeyAsync("blue");
        var stranger = await _r.KeyAsync();
        var made = await CreateAsync(owner, """{"model":"gemini","input":[{"role":"user","content":"Hello"},{"role":"user","content":[{"type":"input_text","text":"again"}]}]}""");
        var id = made.GetProperty("id").GetString()!;

        var (status, body) = await _r.SendAsync(HttpMethod.Get, $"/v1/responses/{id}", owner);
        Assert.Equal(200, status);
        Assert.Equal(made.GetRawText(), JsonDocument.Parse(body).RootElement.GetRawText());
        Assert.Equal(200, (await _r.SendAsync(HttpMethod.Get, $"/v1/responses/{id}", teammate)).Status);

        (status, body) = await _r.SendAsync(HttpMethod.Get, $"/v1/responses/{id}/input_items?order=asc", owner);
        Assert.Equal(200, status);
        var items = JsonDocument.Parse(body).RootElement;
        Assert.Equal("list", items.GetProperty("object").GetString());
        Assert.Equal(["Hello", "again"], items.GetProperty("data").EnumerateArray().Select(Text));
        Assert.False(items.GetProperty("has_more").GetBoolean());

        foreach (var (method, path) in new[] { (HttpMethod.Get, $"/v1/responses/{id}"), (HttpMethod.Get, $"/v1/responses/{id}/input_items"), (HttpMethod.Delete, $"/v1/responses/{id}") })
        {
            (status, body) = await _r.SendAsync(method, path, stranger);
            Assert.Equal(404, status);
            Assert.Equal("response_not_found", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        (status, body) = await _r.SendAsync(HttpMethod.Delete, $"/v1/responses/{id}", owner);
        Assert.Equal(200, status);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("deleted").GetBoolean());
        Assert.Equal(404, (await _r.SendAsync(HttpMethod.Get, $"/v1/responses/{id}", owner)).Status);
    }

    [Fact]
    public async Task Another_key_cannot_continue_a_response_and_trying_costs_it_nothing()
    {
        var owner = await _r.KeyAsync();
        var made = await CreateAsync(owner, """{"model":"bedrock-claude","input":"Secret plan: tea at five."}""");
        var stranger = await _r.Gw.GenerateAsync("""{"rpm_limit":1}""");
        var calls = _r.Bedrock.Calls.Count;

        foreach (var stream in new[] { false, true })
        {
            var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", stranger,
                $$"""{"model":"bedrock-claude","previous_response_id":"{{made.GetProperty("id").GetString()}}","input":"What was the plan?","stream":{{(stream ? "true" : "false")}}}""");
            Assert.Equal(404, status);
            var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
            Assert.Equal("previous_response_id", error.GetProperty("param").GetString());
            Assert.DoesNotContain("tea", body);
        }
        Assert.Equal(calls, _r.Bedrock.Calls.Count);
        var info = await _r.Gw.InfoAsync(stranger);
        Assert.Equal(0m, info.GetProperty("spend").GetDecimal());
        // Its one request a minute is still unused.
        Assert.Equal(200, (await _r.SendAsync(HttpMethod.Post, "/v1/responses", stranger, """{"model":"bedrock-claude","input":"hi"}""")).Status);
        Assert.Equal(429, (await _r.SendAsync(HttpMethod.Post, "/v1/responses", stranger, """{"model":"bedrock-claude","input":"hi"}""")).Status);
    }

    [Fact]
    public async Task A_response_made_with_store_false_is_not_kept_and_calls_are_booked_as_responses()
    {
        var key = await _r.KeyAsync();
        var made = await CreateAsync(key, """{"model":"claude","input":"Hello","store":false}""");
        Assert.False(made.GetProperty("store").GetBoolean());
        Assert.Equal(404, (await _r.SendAsync(HttpMethod.Get, $"/v1/responses/{made.GetProperty("id").GetString()}", key)).Status);
        var (status, _) = await _r.SendAsync(HttpMethod.Post, "/v1/completions", key, """{"model":"claude","prompt":"Hello"}""");
        Assert.Equal(200, status);

        var events = await _r.Gw.SpendEventsAsync(key, 2);
        Assert.Contains(events, e => e.GetProperty("call_type").GetString() == "responses" && e.GetProperty("completion_tokens").GetInt32() == 12);
        Assert.Contains(events, e => e.GetProperty("call_type").GetString() == "text_completion");
        Assert.True((await _r.Gw.InfoAsync(key)).GetProperty("spend").GetDecimal() > 0m);
    }

    [Fact]
    public async Task A_native_response_is_continued_on_the_deployment_that_holds_it()
    {
        var key = await _r.KeyAsync();
        var (first, firstBody, firstHeaders) = await PostWithHeadersAsync(key, """{"model":"gpt-pair","input":"Hello"}""");
        Assert.True(first == 200, firstBody);
        var holder = firstHeaders["x-gateway-model-id"];
        var id = JsonDocument.Parse(firstBody).RootElement.GetProperty("id").GetString();
        for (var i = 0; i < 8; i++)
        {
            var (status, body, headers) = await PostWithHeadersAsync(key, $$"""{"model":"gpt-pair","previous_response_id":"{{id}}","input":"More"}""");
            Assert.True(status == 200, body);
            Assert.Equal(holder, headers["x-gateway-model-id"]);
            Assert.Equal(id, JsonDocument.Parse(_r.OpenAI.Last.Body).RootElement.GetProperty("previous_response_id").GetString());
        }
        // Another group has no deployment holding it.
        var (other, otherBody, _) = await PostWithHeadersAsync(key, $$"""{"model":"gpt-native","previous_response_id":"{{id}}","input":"More"}""");
        Assert.Equal(400, other);
        Assert.Contains(holder, otherBody);
    }

    private async Task<(int, string, Dictionary<string, string>)> PostWithHeadersAsync(string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_r.Gw.BaseAddress, "/v1/responses"))
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", key);
        using var client = new HttpClient();
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(),
            response.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value)));
    }

    /// <summary>The final response of a call: the body, or the <c>response.completed</c> event's response when streamed.</summary>
    private async Task<JsonElement> FinalAsync(string key, string json)
    {
        var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", key, json);
        Assert.True(status == 200, body);
        if (!json.Contains("\"stream\":true")) return JsonDocument.Parse(body).RootElement.Clone();
        var events = ResponsesEndpointTests.Events(body);
        Assert.Equal("response.completed", events[^1].GetProperty("type").GetString());
        return events[^1].GetProperty("response");
    }

    private static string? Text(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.String ? content.GetString()
            : string.Concat(content.EnumerateArray().Where(b => b.TryGetProperty("text", out _)).Select(b => b.GetProperty("text").GetString()));
    }
}

/// <summary><c>general_settings.responses_store_ttl_days</c> and <c>responses_store_max_bytes</c>, on a clock the test moves.</summary>
public sealed class StoredResponseLimitsTests : IAsyncLifetime
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private ResponsesGateway _r = null!;

    public async Task InitializeAsync() => _r = await ResponsesGateway.StartAsync(general: "  responses_store_ttl_days: 2\n  responses_store_max_bytes: 4096", clock: _clock);

    public async Task DisposeAsync() => await _r.DisposeAsync();

    [Fact]
    public async Task A_response_expires_after_its_ttl_and_one_past_the_size_limit_is_not_kept()
    {
        var (_, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", Yaml.MasterKey, """{"model":"claude","input":"short"}""");
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString();
        _clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await _r.SendAsync(HttpMethod.Get, $"/v1/responses/{id}", Yaml.MasterKey)).Status);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(404, (await _r.SendAsync(HttpMethod.Get, $"/v1/responses/{id}", Yaml.MasterKey)).Status);

        var (status, big) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", Yaml.MasterKey, $$"""{"model":"claude","input":"{{new string('x', 5000)}}"}""");
        Assert.Equal(200, status); // the call succeeds; only keeping it is skipped
        var bigId = JsonDocument.Parse(big).RootElement.GetProperty("id").GetString();
        Assert.Equal(404, (await _r.SendAsync(HttpMethod.Get, $"/v1/responses/{bigId}", Yaml.MasterKey)).Status);
    }
}
