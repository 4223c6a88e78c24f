using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Providers.Anthropic;

/// <summary>OpenAI request -> Anthropic Messages request, one regression test per edge case, checked at the loopback upstream.</summary>
public sealed class AnthropicRequestTranslationTests : AnthropicGatewayTest
{
    private const string Tool = """{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}""";
    private const string Calls = """[{"id":"toolu_A","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"toolu_B","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Tokyo\"}"}}]""";

    [Fact]
    public async Task Consecutive_tool_results_are_merged_into_one_user_turn_with_the_next_user_text()
    {
        var sent = await SentForAsync($$"""{"model":"claude","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":{{Calls}}},{"role":"tool","tool_call_id":"toolu_A","content":"18C"},{"role":"tool","tool_call_id":"toolu_B","content":"25C"},{"role":"user","content":"and tomorrow?"}],"tools":[{{Tool}}]}""");
        var messages = sent.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        var turn = messages[2].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["tool_result", "tool_result", "text"], turn.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("toolu_B", turn[1].GetProperty("tool_use_id").GetString());
    }

    [Fact]
    public async Task Tool_result_with_is_error_is_marked_as_an_error()
    {
        var sent = await SentForAsync($$"""{"model":"claude","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":{{Calls}}},{"role":"tool","tool_call_id":"toolu_A","content":"city not found","is_error":true},{"role":"tool","tool_call_id":"toolu_B","content":"25C"}],"tools":[{{Tool}}]}""");
        var results = sent.GetProperty("messages")[2].GetProperty("content");
        Assert.True(results[0].GetProperty("is_error").GetBoolean());
        Assert.False(results[1].TryGetProperty("is_error", out _));
    }

    [Fact]
    public async Task Empty_assistant_content_with_tool_calls_sends_only_tool_use_blocks()
    {
        var sent = await SentForAsync($$"""{"model":"claude","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"","tool_calls":{{Calls}}},{"role":"tool","tool_call_id":"toolu_A","content":"18C"},{"role":"tool","tool_call_id":"toolu_B","content":"25C"}],"tools":[{{Tool}}]}""");
        var assistant = sent.GetProperty("messages")[1].GetProperty("content");
        Assert.Equal(2, assistant.GetArrayLength());
        Assert.All(assistant.EnumerateArray(), b => Assert.Equal("tool_use", b.GetProperty("type").GetString()));
        Assert.Equal("Tokyo", assistant[1].GetProperty("input").GetProperty("city").GetString());
    }

    [Fact]
    public async Task Blank_text_is_never_sent_as_a_block()
    {
        var sent = await SentForAsync("""{"model":"claude","messages":[{"role":"system","content":"  "},{"role":"user","content":[{"type":"text","text":""},{"type":"text","text":"real"}]}]}""");
        Assert.False(sent.TryGetProperty("system", out _));
        var content = sent.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal(1, content.GetArrayLength());
        Assert.Equal("real", content[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task System_and_developer_messages_become_system_blocks()
    {
        var sent = await SentForAsync("""{"model":"claude","messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":[{"type":"text","text":"Use metric."}]},{"role":"user","content":"hi"}]}""");
        Assert.Equal(["Be brief.", "Use metric."], sent.GetProperty("system").EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        Assert.Equal(1, sent.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Cache_control_on_parts_and_tools_is_passed_to_anthropic()
    {
        var sent = await SentForAsync("""
            {"model":"claude","messages":[{"role":"system","content":[{"type":"text","text":"Long policy","cache_control":{"type":"ephemeral"}}]},
             {"role":"user","content":[{"type":"text","text":"doc","cache_control":{"type":"ephemeral","ttl":"1h"}}]}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}},"cache_control":{"type":"ephemeral"}}]}
            """);
        Assert.Equal("ephemeral", sent.GetProperty("system")[0].GetProperty("cache_control").GetProperty("type").GetString());
        Assert.Equal("1h", sent.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("cache_control").GetProperty("ttl").GetString());
        Assert.Equal("ephemeral", sent.GetProperty("tools")[0].GetProperty("cache_control").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Images_base64_and_url_become_image_blocks()
    {
        var sent = await SentForAsync("""
            {"model":"claude","messages":[{"role":"user","content":[{"type":"text","text":"What are these?"},
             {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}
            """);
        var content = sent.GetProperty("messages")[0].GetProperty("content");
        var b64 = content[1].GetProperty("source");
        Assert.Equal("base64", b64.GetProperty("type").GetString());
        Assert.Equal("image/png", b64.GetProperty("media_type").GetString());
        Assert.Equal("iVBORw0KGgo=", b64.GetProperty("data").GetString());
        Assert.Equal("https://example.com/cat.jpg", content[2].GetProperty("source").GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("\"auto\"", """{"type":"auto"}""")]
    [InlineData("\"none\"", """{"type":"none"}""")]
    [InlineData("\"required\"", """{"type":"any"}""")]
    [InlineData("""{"type":"function","function":{"name":"get_weather"}}""", """{"type":"tool","name":"get_weather"}""")]
    public async Task Tool_choice_maps_to_anthropic(string openAI, string anthropic)
    {
        var sent = await SentForAsync($$"""{"model":"claude","messages":[{"role":"user","content":"hi"}],"tools":[{{Tool}}],"tool_choice":{{openAI}}}""");
        Assert.Equal(anthropic, sent.GetProperty("tool_choice").GetRawText());
    }

    [Fact]
    public async Task Parallel_tool_calls_false_disables_parallel_tool_use()
    {
        var sent = await SentForAsync($$"""{"model":"claude","messages":[{"role":"user","content":"hi"}],"tools":[{{Tool}}],"parallel_tool_calls":false}""");
        Assert.True(sent.GetProperty("tool_choice").GetProperty("disable_parallel_tool_use").GetBoolean());
    }

    [Fact]
    public async Task Stop_temperature_top_p_and_user_are_mapped()
    {
        var sent = await SentForAsync("""{"model":"claude","messages":[{"role":"user","content":"hi"}],"stop":["END","\n\n"],"temperature":0.3,"top_p":0.9,"user":"u-42"}""");
        Assert.Equal(["END"], sent.GetProperty("stop_sequences").EnumerateArray().Select(s => s.GetString())); // whitespace-only dropped: Anthropic rejects it
        Assert.Equal(0.3, sent.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, sent.GetProperty("top_p").GetDouble());
        Assert.Equal("u-42", sent.GetProperty("metadata").GetProperty("user_id").GetString());
    }

    [Theory]
    [InlineData("claude", ",\"max_completion_tokens\":300", 300)]
    [InlineData("claude", ",\"max_tokens\":200", 200)]
    [InlineData("claude-big", "", 32000)]
    [InlineData("claude", "", 4096)]
    public async Task Max_tokens_comes_from_the_request_else_model_info_else_4096(string model, string field, int expected)
    {
        var sent = await SentForAsync($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]{{field}}}""");
        Assert.Equal(expected, sent.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task Reasoning_effort_becomes_a_thinking_budget_below_max_tokens()
    {
        // No cap in the request: max_tokens is raised above the thinking budget.
        var sent = await SentForAsync("""{"model":"claude","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"high"}""");
        Assert.Equal("enabled", sent.GetProperty("thinking").GetProperty("type").GetString());
        var budget = sent.GetProperty("thinking").GetProperty("budget_tokens").GetInt32();
        Assert.Equal(16384, budget);
        Assert.True(sent.GetProperty("max_tokens").GetInt32() > budget);
    }

    [Theory]
    [InlineData(20000, 16384)] // room for the whole budget
    [InlineData(5000, 4999)]   // the budget is lowered under the cap
    [InlineData(1000, null)]   // under Anthropic's smallest budget (1024): no thinking
    public async Task A_cap_the_request_set_is_never_raised_for_thinking(int cap, int? expectedBudget)
    {
        // The cap is what the call's budget reservation paid for (and what cap mode lowers): raising it would let the
        // upstream write more than was reserved.
        var sent = await SentForAsync($$"""{"model":"claude","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"high","max_tokens":{{cap}}}""");
        Assert.Equal(cap, sent.GetProperty("max_tokens").GetInt32());
        if (expectedBudget is { } b) Assert.Equal(b, sent.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        else Assert.False(sent.TryGetProperty("thinking", out _));
        var explicitThinking = await SentForAsync($$"""{"model":"claude","messages":[{"role":"user","content":"hi"}],"thinking":{"type":"enabled","budget_tokens":30000},"max_tokens":{{cap}}}""");
        Assert.Equal(cap, explicitThinking.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task Anthropic_thinking_field_passes_through()
    {
        var sent = await SentForAsync("""{"model":"claude","messages":[{"role":"user","content":"hi"}],"thinking":{"type":"enabled","budget_tokens":2048}}""");
        Assert.Equal(2048, sent.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(4096, sent.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task Assistant_tool_call_with_invalid_arguments_is_a_400_naming_the_field()
    {
        using var response = await PostChatAsync("""{"model":"claude","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{not json"}}]}]}""");
        Assert.Equal(400, (int)response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("messages[1].tool_calls[0].function.arguments", error.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Empty(Up.Requests);
    }

    [Fact]
    public async Task N_above_one_is_a_400_rather_than_a_silent_single_choice()
    {
        using var response = await PostChatAsync("""{"model":"claude","n":2,"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("\"param\":\"n\"", await response.Content.ReadAsStringAsync());
        Assert.Empty(Up.Requests);
    }

    [Fact]
    public async Task System_only_prompt_is_sent_as_the_user_turn()
    {
        var sent = await SentForAsync("""{"model":"claude","messages":[{"role":"system","content":"Say hi."}]}""");
        Assert.False(sent.TryGetProperty("system", out _));
        var messages = sent.GetProperty("messages");
        Assert.Equal(1, messages.GetArrayLength());
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        Assert.Equal("Say hi.", messages[0].GetProperty("content")[0].GetProperty("text").GetString());
    }
}
