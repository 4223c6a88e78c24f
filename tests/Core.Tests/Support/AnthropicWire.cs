using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Support;

/// <summary>
/// Anthropic Messages API wire format as its API reference shows it: the <c>message</c> object, the SSE event sequence
/// (message_start, content_block_start/delta/stop, ping, message_delta, message_stop, error) and the error body.
/// </summary>
public static class AnthropicWire
{
    public const string Id = "msg_01XFDUDYJgAACzvnptvVoYEL";
    public const string Model = "claude-sonnet-4-5-20250929";
    public const string ApiKey = "sk-ant-upstream-secret";

    /// <summary>Gateway models backed by <paramref name="baseUrl"/>: <c>claude</c>, and <c>claude-big</c> with model_info.max_output_tokens.</summary>
    public static string Models(string baseUrl) => $"""
          - model_name: claude
            litellm_params:
              model: anthropic/claude-sonnet-4-5
              api_base: {baseUrl}
              api_key: {ApiKey}
              timeout: 10
          - model_name: claude-big
            litellm_params:
              model: anthropic/claude-opus-4-1
              api_base: {baseUrl}
              api_key: {ApiKey}
            model_info:
              max_output_tokens: 32000
        """;

    public static string Usage(int input, int output, int cacheRead = 0, int cacheWrite = 0) =>
        $$$"""{"input_tokens":{{{input}}},"cache_creation_input_tokens":{{{cacheWrite}}},"cache_read_input_tokens":{{{cacheRead}}},"output_tokens":{{{output}}}}""";

    public static string Message(string contentBlocks, string stopReason = "end_turn", string? usage = null) =>
        $$$"""{"id":"{{{Id}}}","type":"message","role":"assistant","model":"{{{Model}}}","content":[{{{contentBlocks}}}],"stop_reason":"{{{stopReason}}}","stop_sequence":null,"usage":{{{usage ?? Usage(25, 12)}}}}""";

    public static string Text(string text) => $$$"""{"type":"text","text":{{{JsonSerializer.Serialize(text)}}}}""";

    public static string ToolUse(string id, string name, string inputJson) => $$$"""{"type":"tool_use","id":"{{{id}}}","name":"{{{name}}}","input":{{{inputJson}}}}""";

    public static string Thinking(string thinking) => $$$"""{"type":"thinking","thinking":{{{JsonSerializer.Serialize(thinking)}}},"signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}""";

    public static string Error(string type, string message) => $$$"""{"type":"error","error":{"type":"{{{type}}}","message":{{{JsonSerializer.Serialize(message)}}}}}""";

    public static (string Event, string Data) Ev(string data)
    {
        using var doc = JsonDocument.Parse(data);
        return (doc.RootElement.GetProperty("type").GetString()!, data);
    }

    public static (string, string) MessageStart(string? usage = null) =>
        Ev($$$"""{"type":"message_start","message":{"id":"{{{Id}}}","type":"message","role":"assistant","content":[],"model":"{{{Model}}}","stop_reason":null,"stop_sequence":null,"usage":{{{usage ?? Usage(25, 1)}}}}}""");

    public static (string, string) Ping() => Ev("""{"type": "ping"}""");
    public static (string, string) TextStart(int index) => Ev($$$"""{"type":"content_block_start","index":{{{index}}},"content_block":{"type":"text","text":""}}""");
    public static (string, string) TextDelta(int index, string text) => Ev($$$"""{"type":"content_block_delta","index":{{{index}}},"delta":{"type":"text_delta","text":{{{JsonSerializer.Serialize(text)}}}}}""");
    public static (string, string) ThinkingStart(int index) => Ev($$$"""{"type":"content_block_start","index":{{{index}}},"content_block":{"type":"thinking","thinking":""}}""");
    public static (string, string) ThinkingDelta(int index, string text) => Ev($$$"""{"type":"content_block_delta","index":{{{index}}},"delta":{"type":"thinking_delta","thinking":{{{JsonSerializer.Serialize(text)}}}}}""");
    public static (string, string) SignatureDelta(int index) => Ev($$$"""{"type":"content_block_delta","index":{{{index}}},"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}}""");
    public static (string, string) ToolStart(int index, string id, string name) => Ev($$$"""{"type":"content_block_start","index":{{{index}}},"content_block":{"type":"tool_use","id":"{{{id}}}","name":"{{{name}}}","input":{} }}""");
    public static (string, string) JsonDelta(int index, string partial) => Ev($$$"""{"type":"content_block_delta","index":{{{index}}},"delta":{"type":"input_json_delta","partial_json":{{{JsonSerializer.Serialize(partial)}}}}}""");
    public static (string, string) BlockStop(int index) => Ev($$$"""{"type":"content_block_stop","index":{{{index}}}}""");
    public static (string, string) MessageDelta(string stopReason, int output, string? extraUsage = null) =>
        Ev($$$"""{"type":"message_delta","delta":{"stop_reason":"{{{stopReason}}}","stop_sequence":null},"usage":{"output_tokens":{{{output}}}{{{extraUsage}}}}}""");
    public static (string, string) MessageStop() => Ev("""{"type":"message_stop"}""");
    public static (string, string) ErrorEvent(string type, string message) => Ev(Error(type, message));

    public static List<(string, string)> TextStream(params string[] pieces)
    {
        var events = new List<(string, string)> { MessageStart(), TextStart(0), Ping() };
        events.AddRange(pieces.Select(p => TextDelta(0, p)));
        events.AddRange([BlockStop(0), MessageDelta("end_turn", 15), MessageStop()]);
        return events;
    }

    /// <summary>Text, then two parallel tool_use blocks whose input arrives as JSON fragments.</summary>
    public static List<(string, string)> ParallelToolStream() =>
    [
        MessageStart(Usage(420, 1, cacheRead: 100, cacheWrite: 50)),
        TextStart(0), TextDelta(0, "Checking both."), BlockStop(0),
        ToolStart(1, "toolu_01Paris", "get_weather"), JsonDelta(1, ""), JsonDelta(1, "{\"city\": \"Pa"), JsonDelta(1, "ris\"}"), BlockStop(1),
        Ping(),
        ToolStart(2, "toolu_02Tokyo", "get_weather"), JsonDelta(2, "{\"city\":"), JsonDelta(2, " \"Tokyo\"}"), BlockStop(2),
        MessageDelta("tool_use", 64), MessageStop(),
    ];

    public static async Task WriteJsonAsync(HttpContext ctx, string json, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json);
    }

    /// <summary>Writes events as Anthropic does (<c>event:</c> + <c>data:</c>), flushing each; <paramref name="between"/> runs after each.</summary>
    public static async Task WriteStreamAsync(HttpContext ctx, IEnumerable<(string Event, string Data)> events, Func<int, Task>? between = null)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        var i = 0;
        foreach (var (name, data) in events)
        {
            await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: {name}\ndata: {data}\n\n"), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            if (between is not null) await between(i);
            i++;
        }
    }
}
