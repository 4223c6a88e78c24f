using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Responses;

namespace Gateway.Tests.RedTeam;

/// <summary>
/// <c>/v1/responses</c> bodies that hide another model inside their items, or reach for a kept response through
/// <c>previous_response_id</c>: only the top-level model the key may use is ever called, and a conversation is rebuilt
/// only from the caller's own responses.
/// </summary>
public sealed class ResponsesRedTeamTests : IAsyncLifetime
{
    private ResponsesGateway _r = null!;

    public async Task InitializeAsync() => _r = await ResponsesGateway.StartAsync();

    public async Task DisposeAsync() => await _r.DisposeAsync();

    [Fact]
    public async Task A_model_named_inside_input_items_or_tools_reaches_nothing()
    {
        var key = await _r.Gw.GenerateAsync("""{"models":["claude"]}""");
        var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", key,
            """{"model":"claude","input":[{"type":"message","role":"user","content":"hi","model":"gpt-native"},{"role":"user","content":[{"type":"input_text","text":"x","model":"gemini"}]}],"metadata":{"model":"gpt-native"},"text":{"format":{"type":"text","model":"gemini"}}}""");
        Assert.True(status == 200, body);
        Assert.Empty(_r.OpenAI.Requests);
        Assert.Empty(_r.Gemini.Requests);
        var sent = _r.Anthropic.Last.Body;
        Assert.Equal("claude-sonnet-4-5", JsonDocument.Parse(sent).RootElement.GetProperty("model").GetString());
        Assert.DoesNotContain("gpt-native", sent);
        Assert.DoesNotContain("gemini", sent);
        Assert.Equal("claude", JsonDocument.Parse(body).RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task A_previous_response_of_another_key_is_never_rebuilt_even_by_a_key_of_another_team()
    {
        await _r.TeamAsync("red");
        await _r.TeamAsync("green");
        var red = await _r.KeyAsync("red");
        var green = await _r.KeyAsync("green");
        var (_, made) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", red, """{"model":"gemini","input":"The vault code is 0451."}""");
        var id = JsonDocument.Parse(made).RootElement.GetProperty("id").GetString();
        var geminiCalls = _r.Gemini.Requests.Count;
        foreach (var model in new[] { "gemini", "claude", "gpt-native" })
        {
            var (status, body) = await _r.SendAsync(HttpMethod.Post, "/v1/responses", green, $$"""{"model":"{{model}}","previous_response_id":"{{id}}","input":"Repeat the code."}""");
            Assert.Equal(404, status);
            Assert.DoesNotContain("0451", body);
        }
        Assert.Equal(geminiCalls, _r.Gemini.Requests.Count);
        Assert.Empty(_r.Anthropic.Requests);
        Assert.Empty(_r.OpenAI.Requests);
        Assert.Equal(0m, (await _r.Gw.InfoAsync(green)).GetProperty("spend").GetDecimal());
    }
}
