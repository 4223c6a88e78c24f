using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Conformance.Targets;

/// <summary>Gemini (<c>gemini/</c>, Google AI Studio), answered as generateContent / streamGenerateContent SSE / Google errors.</summary>
public sealed class GeminiTarget : ConformanceTarget
{
    public override string Models(string baseUrl) => $"""
          - model_name: conf
            litellm_params:
              model: gemini/gemini-2.5-flash
              api_base: {baseUrl}/v1beta
              api_key: AIza-conf
              timeout: 10
        """;

    private static string Usage(Usage u) => GeminiWire.Usage(u.Prompt, u.Completion, cached: u.Cached);

    private static string FinishReason(Finish f) => f switch
    {
        Finish.Length => "MAX_TOKENS",
        Finish.ContentFilter => "SAFETY",
        _ => "STOP", // Gemini reports a matched stop sequence as STOP too
    };

    public override Task AnswerAsync(HttpContext ctx, Reply reply, bool stream)
    {
        switch (reply)
        {
            case ErrorReply e:
                var status = e.Status switch { 400 => "INVALID_ARGUMENT", 401 => "UNAUTHENTICATED", 429 => "RESOURCE_EXHAUSTED", _ => "INTERNAL" };
                return GeminiWire.WriteJsonAsync(ctx, GeminiWire.Error(e.Status, status, ErrorMessage(e.Status)), e.Status);
            case TextReply t when stream:
                var events = t.Pieces.Select((p, i) => i < t.Pieces.Length - 1
                    ? GeminiWire.Response(GeminiWire.Text(p), null, GeminiWire.Usage(t.Usage.Prompt, i + 1))
                    : GeminiWire.Response(GeminiWire.Text(p), FinishReason(t.Finish), Usage(t.Usage)));
                return GeminiWire.WriteStreamAsync(ctx, events);
            case TextReply t:
                return GeminiWire.WriteJsonAsync(ctx, GeminiWire.Response(GeminiWire.Text(t.Text), FinishReason(t.Finish), Usage(t.Usage)));
            case ToolReply r when stream:
                // Gemini sends each function call whole; the last event carries the finish reason and usage.
                return GeminiWire.WriteStreamAsync(ctx, r.Calls.Select((c, i) => GeminiWire.Response(GeminiWire.Call(c.Name, c.Arguments),
                    i == r.Calls.Length - 1 ? "STOP" : null, i == r.Calls.Length - 1 ? Usage(r.Usage) : null)));
            case ToolReply r:
                return GeminiWire.WriteJsonAsync(ctx, GeminiWire.Response(string.Join(",", r.Calls.Select(c => GeminiWire.Call(c.Name, c.Arguments))), "STOP", Usage(r.Usage)));
            default:
                throw new InvalidOperationException(reply.ToString());
        }
    }

    public override void AssertSent(ConformanceCase c, RecordedRequest sent, bool stream)
    {
        Assert.Equal(stream ? "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse" : "/v1beta/models/gemini-2.5-flash:generateContent", sent.PathAndQuery);
        Assert.Equal("AIza-conf", sent.Header("x-goog-api-key"));
        var body = Json(sent);
        var contents = body.GetProperty("contents");
        Assert.Equal("user", contents[0].GetProperty("role").GetString());
        Assert.DoesNotContain("\"text\":\"\"", sent.Body);
        var config = body.GetProperty("generationConfig");
        switch (c.Name)
        {
            case "system_only":
                Assert.False(body.TryGetProperty("systemInstruction", out _));
                Assert.Equal("Say hi.", contents[0].GetProperty("parts")[0].GetProperty("text").GetString());
                break;
            case "parallel_tool_calls":
                Assert.Equal("Use tools.", body.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString());
                Assert.Equal("get_weather", body.GetProperty("tools")[0].GetProperty("functionDeclarations")[0].GetProperty("name").GetString());
                break;
            case "tool_result_with_error":
                var parts = contents[2].GetProperty("parts");
                Assert.Equal("18C", parts[0].GetProperty("functionResponse").GetProperty("response").GetProperty("result").GetString());
                Assert.Equal("unknown city", parts[1].GetProperty("functionResponse").GetProperty("response").GetProperty("error").GetString());
                break;
            case "empty_assistant_content_with_tool_calls":
                Assert.Equal(1, contents[1].GetProperty("parts").GetArrayLength());
                break;
            case "image":
                Assert.Equal("image/png", contents[0].GetProperty("parts")[1].GetProperty("inlineData").GetProperty("mimeType").GetString());
                break;
            case "json_schema_output":
                Assert.Equal("application/json", config.GetProperty("responseMimeType").GetString());
                Assert.False(config.GetProperty("responseSchema").TryGetProperty("additionalProperties", out _));
                break;
            case "stop_sequence":
                Assert.Equal("4", config.GetProperty("stopSequences")[0].GetString());
                break;
            case "length_cutoff":
                Assert.Equal(5, config.GetProperty("maxOutputTokens").GetInt32());
                break;
        }
    }
}
