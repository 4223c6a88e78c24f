using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Conformance.Targets;

/// <summary>Anthropic's Messages API (<c>anthropic/</c>), answered in its message / SSE event / error formats.</summary>
public sealed class AnthropicTarget : ConformanceTarget
{
    public override string Models(string baseUrl) => $"""
          - model_name: conf
            litellm_params:
              model: anthropic/claude-sonnet-4-5
              api_base: {baseUrl}
              api_key: sk-ant-conf
              timeout: 10
        """;

    private static string Usage(Usage u) => AnthropicWire.Usage(u.Prompt - u.Cached, u.Completion, cacheRead: u.Cached);

    private static string StopReason(Finish f) => f switch
    {
        Finish.StopSequence => "stop_sequence",
        Finish.Length => "max_tokens",
        Finish.ToolCalls => "tool_use",
        Finish.ContentFilter => "refusal",
        _ => "end_turn",
    };

    public override Task AnswerAsync(HttpContext ctx, Reply reply, bool stream)
    {
        switch (reply)
        {
            case ErrorReply e:
                var type = e.Status switch { 400 => "invalid_request_error", 401 => "authentication_error", 429 => "rate_limit_error", _ => "api_error" };
                return AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Error(type, ErrorMessage(e.Status)), e.Status);
            case TextReply { Json: true } t:
                // JSON-schema output arrives as the input of the forced tool.
                return stream
                    ? AnthropicWire.WriteStreamAsync(ctx, [AnthropicWire.MessageStart(Usage(t.Usage) ), AnthropicWire.ToolStart(0, "toolu_json", "json_response"),
                        .. t.Pieces.Select(p => AnthropicWire.JsonDelta(0, p)), AnthropicWire.BlockStop(0), AnthropicWire.MessageDelta("tool_use", t.Usage.Completion), AnthropicWire.MessageStop()])
                    : AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.ToolUse("toolu_json", "json_response", t.Text), "tool_use", Usage(t.Usage)));
            case TextReply t:
                return stream
                    ? AnthropicWire.WriteStreamAsync(ctx, [AnthropicWire.MessageStart(AnthropicWire.Usage(t.Usage.Prompt - t.Usage.Cached, 1, cacheRead: t.Usage.Cached)), AnthropicWire.TextStart(0), AnthropicWire.Ping(),
                        .. t.Pieces.Select(p => AnthropicWire.TextDelta(0, p)), AnthropicWire.BlockStop(0), AnthropicWire.MessageDelta(StopReason(t.Finish), t.Usage.Completion), AnthropicWire.MessageStop()])
                    : AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.Text(t.Text), StopReason(t.Finish), Usage(t.Usage)));
            case ToolReply r:
                if (!stream)
                    return AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(string.Join(",", r.Calls.Select((c, i) => AnthropicWire.ToolUse($"toolu_{i}", c.Name, c.Arguments))), "tool_use", Usage(r.Usage)));
                var events = new List<(string, string)> { AnthropicWire.MessageStart(Usage(r.Usage)) };
                for (var i = 0; i < r.Calls.Length; i++)
                {
                    var args = r.Calls[i].Arguments;
                    events.AddRange([AnthropicWire.ToolStart(i, $"toolu_{i}", r.Calls[i].Name), AnthropicWire.JsonDelta(i, args[..(args.Length / 2)]), AnthropicWire.JsonDelta(i, args[(args.Length / 2)..]), AnthropicWire.BlockStop(i)]);
                }
                events.AddRange([AnthropicWire.MessageDelta("tool_use", r.Usage.Completion), AnthropicWire.MessageStop()]);
                return AnthropicWire.WriteStreamAsync(ctx, events);
            default:
                throw new InvalidOperationException(reply.ToString());
        }
    }

    public override void AssertSent(ConformanceCase c, RecordedRequest sent, bool stream)
    {
        Assert.Equal("/v1/messages", sent.PathAndQuery);
        Assert.Equal("sk-ant-conf", sent.Header("x-api-key"));
        Assert.Equal("2023-06-01", sent.Header("anthropic-version"));
        var body = Json(sent);
        Assert.True(body.GetProperty("max_tokens").GetInt32() > 0);
        Assert.Equal(stream, body.TryGetProperty("stream", out var s) && s.GetBoolean());
        var messages = body.GetProperty("messages");
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        // No text block is ever blank.
        Assert.DoesNotContain("\"text\":\"\"", sent.Body);
        switch (c.Name)
        {
            case "system_only":
                Assert.False(body.TryGetProperty("system", out _));
                Assert.Equal("Say hi.", messages[0].GetProperty("content")[0].GetProperty("text").GetString());
                break;
            case "parallel_tool_calls":
                Assert.Equal("Use tools.", body.GetProperty("system")[0].GetProperty("text").GetString());
                Assert.Equal("get_weather", body.GetProperty("tools")[0].GetProperty("name").GetString());
                break;
            case "tool_result_with_error":
                var results = messages[2].GetProperty("content");
                Assert.Equal(2, results.GetArrayLength());
                Assert.True(results[1].GetProperty("is_error").GetBoolean());
                break;
            case "empty_assistant_content_with_tool_calls":
                Assert.All(messages[1].GetProperty("content").EnumerateArray(), b => Assert.Equal("tool_use", b.GetProperty("type").GetString()));
                break;
            case "image":
                Assert.Equal("base64", messages[0].GetProperty("content")[1].GetProperty("source").GetProperty("type").GetString());
                break;
            case "json_schema_output":
                Assert.Equal("json_response", body.GetProperty("tool_choice").GetProperty("name").GetString());
                break;
            case "stop_sequence":
                Assert.Equal("4", body.GetProperty("stop_sequences")[0].GetString());
                break;
            case "length_cutoff":
                Assert.Equal(5, body.GetProperty("max_tokens").GetInt32());
                break;
        }
    }
}
