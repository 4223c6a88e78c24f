using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Responses;

/// <summary>
/// Each provider's loopback fake, scripted as one small weather agent in its own wire format: asked with tools and no tool
/// result yet, it calls <c>get_weather</c> for Paris; given the tool's result, it answers <see cref="AfterTool"/>; asked
/// without tools, it answers <see cref="Plain"/>. Streamed or not as the request says.
/// </summary>
public static class WeatherFakes
{
    public const string Plain = "Hi there, friend.";
    public const string AfterTool = "Paris is sunny, 18C.";
    public const string Args = """{"city":"Paris"}""";
    public static readonly string[] PlainPieces = ["Hi there", ", friend."];

    private enum Turn { Plain, Call, AfterTool }

    private static Turn Decide(string body, string toolResult, string tools) =>
        body.Contains(toolResult) ? Turn.AfterTool : body.Contains(tools) ? Turn.Call : Turn.Plain;

    /// <summary>OpenAI: the Responses API natively, and chat and legacy completions, for the OpenAI-format routes.</summary>
    public static Task OpenAI(HttpContext ctx, RecordedRequest r)
    {
        var stream = r.Body.Contains("\"stream\":true");
        if (r.PathAndQuery.StartsWith("/v1/responses"))
        {
            var id = "resp_native" + Guid.NewGuid().ToString("N")[..12];
            return Decide(r.Body, "function_call_output", "\"tools\"") switch
            {
                Turn.Call when stream => ResponsesWire.WriteStreamAsync(ctx, ResponsesWire.CallStream(id, "call_native1", "get_weather", "{\"city\"", ":\"Paris\"}")),
                Turn.Call => OpenAIWire.WriteJsonAsync(ctx, ResponsesWire.CallResponse(id, "call_native1", "get_weather", Args)),
                var t when stream => ResponsesWire.WriteStreamAsync(ctx, ResponsesWire.TextStream(id, t == Turn.Plain ? PlainPieces : [AfterTool])),
                var t => OpenAIWire.WriteJsonAsync(ctx, ResponsesWire.TextResponse(id, t == Turn.Plain ? Plain : AfterTool)),
            };
        }
        if (r.PathAndQuery.StartsWith("/v1/completions"))
            return stream
                ? OpenAIWire.WriteStreamAsync(ctx, [.. PlainPieces.Select(p => CompletionChunk(p, null)), CompletionChunk("", "stop"), CompletionUsageChunk()])
                : OpenAIWire.WriteJsonAsync(ctx, $$$"""{"id":"cmpl-native1","object":"text_completion","created":1741569952,"model":"gpt-3.5-turbo-instruct","choices":[{"text":"{{{Plain}}}","index":0,"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}""");
        return Decide(r.Body, "\"role\":\"tool\"", "\"tools\"") switch
        {
            Turn.Call when stream => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.ParallelToolCallStream(includeUsage: true)),
            Turn.Call => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.ToolCallCompletion(("call_chat1", "get_weather", Args))),
            var t when stream => OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(t == Turn.Plain ? PlainPieces : [AfterTool], includeUsage: true)),
            var t => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion(t == Turn.Plain ? Plain : AfterTool)),
        };
    }

    private static string CompletionChunk(string text, string? finish) =>
        $$"""{"id":"cmpl-native1","object":"text_completion","created":1741569952,"model":"gpt-3.5-turbo-instruct","choices":[{"text":{{System.Text.Json.JsonSerializer.Serialize(text)}},"index":0,"logprobs":null,"finish_reason":{{(finish is null ? "null" : $"\"{finish}\"")}}}]}""";

    private static string CompletionUsageChunk() =>
        """{"id":"cmpl-native1","object":"text_completion","created":1741569952,"model":"gpt-3.5-turbo-instruct","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}""";

    public static Task Anthropic(HttpContext ctx, RecordedRequest r)
    {
        var stream = r.Body.Contains("\"stream\":true");
        return Decide(r.Body, "tool_result", "\"tools\"") switch
        {
            Turn.Call when stream => AnthropicWire.WriteStreamAsync(ctx, [AnthropicWire.MessageStart(), AnthropicWire.ToolStart(0, "toolu_01Paris", "get_weather"),
                AnthropicWire.JsonDelta(0, "{\"city\":"), AnthropicWire.JsonDelta(0, "\"Paris\"}"), AnthropicWire.BlockStop(0), AnthropicWire.MessageDelta("tool_use", 20), AnthropicWire.MessageStop()]),
            Turn.Call => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.ToolUse("toolu_01Paris", "get_weather", Args), "tool_use")),
            var t when stream => AnthropicWire.WriteStreamAsync(ctx, AnthropicWire.TextStream(t == Turn.Plain ? PlainPieces : [AfterTool])),
            var t => AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.Text(t == Turn.Plain ? Plain : AfterTool))),
        };
    }

    public static Task Gemini(HttpContext ctx, RecordedRequest r)
    {
        var stream = r.PathAndQuery.Contains(":streamGenerateContent");
        var usage = GeminiWire.Usage(12, 6);
        return Decide(r.Body, "functionResponse", "functionDeclarations") switch
        {
            Turn.Call when stream => GeminiWire.WriteStreamAsync(ctx, [GeminiWire.Response(GeminiWire.Call("get_weather", Args), usage: usage)]),
            Turn.Call => GeminiWire.WriteJsonAsync(ctx, GeminiWire.Response(GeminiWire.Call("get_weather", Args), usage: usage)),
            var t when stream => GeminiWire.WriteStreamAsync(ctx, (t == Turn.Plain ? PlainPieces : [AfterTool])
                .Select((p, i) => GeminiWire.Response(GeminiWire.Text(p), finish: null, usage: GeminiWire.Usage(12, i + 1)))
                .Append(GeminiWire.Response(GeminiWire.Text(""), usage: usage))),
            var t => GeminiWire.WriteJsonAsync(ctx, GeminiWire.Response(GeminiWire.Text(t == Turn.Plain ? Plain : AfterTool), usage: usage)),
        };
    }

    public static Task Bedrock(HttpContext ctx, BedrockCall c)
    {
        var stream = c.RawPath.EndsWith("/converse-stream");
        return Decide(c.BodyText, "toolResult", "toolConfig") switch
        {
            Turn.Call when stream => FakeBedrock.WriteStreamAsync(ctx, [BedrockWire.MessageStart(), BedrockWire.ToolStart(0, "tooluse_paris", "get_weather"),
                BedrockWire.ToolDelta(0, "{\"city\":"), BedrockWire.ToolDelta(0, "\"Paris\"}"), BedrockWire.BlockStop(0), BedrockWire.MessageStop("tool_use"), BedrockWire.Metadata(20, 9)]),
            Turn.Call => FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseToolUse("tooluse_paris", "get_weather", Args)),
            var t when stream => FakeBedrock.WriteStreamAsync(ctx, BedrockWire.TextStream(t == Turn.Plain ? PlainPieces : [AfterTool])),
            var t => FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseText(t == Turn.Plain ? Plain : AfterTool)),
        };
    }
}
