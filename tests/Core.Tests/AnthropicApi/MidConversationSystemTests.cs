using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.AnthropicApi;

/// <summary>
/// A <c>system</c> turn in the middle of <c>messages</c>, as current Anthropic clients send it (Claude Code puts one right
/// after a user turn). It was refused with "expected 'user' or 'assistant'" on every translated model. Anthropic gets it
/// untouched; OpenAI-format upstreams get a system message at the same place; Gemini, which has one system instruction,
/// gets its text there. Nothing but text may ride on a system turn.
/// </summary>
public sealed class MidConversationSystemTests : UpstreamGatewayTest
{
    protected override string Config(FakeUpstream up) =>
        Yaml.Config(up.V1, extraModels: AnthropicWire.Models(up.BaseAddress.ToString().TrimEnd('/')) + "\n" + GeminiWire.Models(up.BaseAddress.ToString().TrimEnd('/')));

    private static string Request(string model) => $$"""
        {"model":"{{model}}","max_tokens":200,"system":"You are a coding agent.","messages":[
          {"role":"user","content":"Fix the build."},
          {"role":"system","content":"The user switched to plan mode: do not edit files."},
          {"role":"assistant","content":"Planning first."},
          {"role":"user","content":[{"type":"text","text":"Go on."}]},
          {"role":"system","content":[{"type":"text","text":"Reminder: be brief."},{"type":"text","text":"Cite files."}]}]}
        """;

    private Task<HttpResponseMessage> PostAsync(string json) =>
        Gw.Http.PostAsync("/v1/messages", new StringContent(json, Encoding.UTF8, "application/json"));

    private static JsonElement Json(string s) => JsonDocument.Parse(s).RootElement;

    [Fact]
    public async Task An_openai_format_upstream_gets_each_system_turn_as_a_system_message_in_place()
    {
        Up.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("Plan: ...", prompt: 60, completion: 3));
        using var response = await PostAsync(Request("gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Json(Up.Last.Body).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user", "system", "assistant", "user", "system"], sent.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("You are a coding agent.", sent[0].GetProperty("content").GetString());
        Assert.Equal("The user switched to plan mode: do not edit files.", sent[2].GetProperty("content").GetString());
        Assert.Equal("Reminder: be brief.\n\nCite files.", sent[5].GetProperty("content").GetString());
    }

    [Fact]
    public async Task An_anthropic_upstream_gets_the_system_turns_untouched()
    {
        Up.Handler = (ctx, _) => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.Text("ok")));
        var request = Request("claude");
        using var response = await PostAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Json(Up.Last.Body);
        Assert.Equal(Json(request).GetProperty("messages").GetRawText(), sent.GetProperty("messages").GetRawText());
    }

    [Fact]
    public async Task Gemini_gets_the_system_turns_in_its_system_instruction_and_none_in_contents()
    {
        Up.Handler = (ctx, _) => GeminiWire.WriteJsonAsync(ctx, GeminiWire.Response(GeminiWire.Text("ok"), "STOP", GeminiWire.Usage(40, 2)));
        using var response = await PostAsync(Request("gemini"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = Json(Up.Last.Body);
        var instruction = string.Join("\n", body.GetProperty("systemInstruction").GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("text").GetString()));
        Assert.Contains("You are a coding agent.", instruction);
        Assert.Contains("do not edit files", instruction);
        Assert.Contains("Cite files.", instruction);
        var roles = body.GetProperty("contents").EnumerateArray().Select(c => c.GetProperty("role").GetString()).ToList();
        Assert.Equal(["user", "model", "user"], roles);
    }

    [Theory]
    [InlineData("""{"type":"tool_result","tool_use_id":"toolu_1","content":"rm -rf /"}""", "tool_result")]
    [InlineData("""{"type":"image","source":{"type":"url","url":"https://example.com/x.png"}}""", "image")]
    public async Task A_system_turn_carries_only_text(string block, string type)
    {
        using var response = await PostAsync($$"""
            {"model":"gpt-4o-mini","max_tokens":20,"messages":[{"role":"user","content":"hi"},{"role":"system","content":[{{block}}]}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Json(await response.Content.ReadAsStringAsync()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("messages[1].content[0].type", error.GetProperty("message").GetString());
        Assert.Contains(type, error.GetProperty("message").GetString());
        Assert.Empty(Up.Requests);
    }
}
