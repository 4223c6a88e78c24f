using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Responses;

/// <summary>
/// OpenAI's Responses API on the wire, as its API reference shows it: the <c>response</c> object, and the event stream of
/// a text answer and of a function call (event order, item and content indexes, sequence numbers). The stream of a text
/// answer is the "recorded native stream" the bridge's events are compared with.
/// </summary>
public static class ResponsesWire
{
    public const string Model = "gpt-4.1-2025-04-14";

    public static string Usage(int input, int output) =>
        $$"""{"input_tokens":{{input}},"input_tokens_details":{"cached_tokens":0},"output_tokens":{{output}},"output_tokens_details":{"reasoning_tokens":0},"total_tokens":{{input + output}}}""";

    public static string Message(string id, string text, string status = "completed") =>
        $$"""{"id":"{{id}}","type":"message","status":"{{status}}","content":[{{(status == "in_progress" ? "" : Part(text))}}],"role":"assistant"}""";

    public static string Part(string text) => $$"""{"type":"output_text","annotations":[],"logprobs":[],"text":{{JsonSerializer.Serialize(text)}}}""";

    public static string Call(string id, string callId, string name, string args, string status = "completed") =>
        $$"""{"id":"{{id}}","type":"function_call","status":"{{status}}","arguments":{{JsonSerializer.Serialize(args)}},"call_id":"{{callId}}","name":"{{name}}"}""";

    public static string Response(string id, string status, string output, string? usage) =>
        $$$"""{"id":"{{{id}}}","object":"response","created_at":1741476542,"status":"{{{status}}}","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"{{{Model}}}","output":[{{{output}}}],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","usage":{{{usage ?? "null"}}},"user":null,"metadata":{}}""";

    public static string TextResponse(string id, string text) => Response(id, "completed", Message("msg_" + id[5..], text), Usage(36, 9));

    public static string CallResponse(string id, string callId, string name, string args) =>
        Response(id, "completed", Call("fc_" + id[5..], callId, name, args), Usage(60, 18));

    /// <summary>The events of a streamed text answer in <paramref name="pieces"/>.</summary>
    public static List<string> TextStream(string id, params string[] pieces)
    {
        var msg = "msg_" + id[5..];
        var text = string.Concat(pieces);
        var events = new List<string>
        {
            $$"""{"type":"response.created","sequence_number":0,"response":{{Response(id, "in_progress", "", null)}}}""",
            $$"""{"type":"response.in_progress","sequence_number":1,"response":{{Response(id, "in_progress", "", null)}}}""",
            $$"""{"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{{Message(msg, "", "in_progress")}}}""",
            $$"""{"type":"response.content_part.added","sequence_number":3,"item_id":"{{msg}}","output_index":0,"content_index":0,"part":{{Part("")}}}""",
        };
        foreach (var p in pieces)
            events.Add($$"""{"type":"response.output_text.delta","sequence_number":{{events.Count}},"item_id":"{{msg}}","output_index":0,"content_index":0,"delta":{{JsonSerializer.Serialize(p)}},"logprobs":[]}""");
        events.Add($$"""{"type":"response.output_text.done","sequence_number":{{events.Count}},"item_id":"{{msg}}","output_index":0,"content_index":0,"text":{{JsonSerializer.Serialize(text)}},"logprobs":[]}""");
        events.Add($$"""{"type":"response.content_part.done","sequence_number":{{events.Count}},"item_id":"{{msg}}","output_index":0,"content_index":0,"part":{{Part(text)}}}""");
        events.Add($$"""{"type":"response.output_item.done","sequence_number":{{events.Count}},"output_index":0,"item":{{Message(msg, text)}}}""");
        events.Add($$"""{"type":"response.completed","sequence_number":{{events.Count}},"response":{{Response(id, "completed", Message(msg, text), Usage(36, 9))}}}""");
        return events;
    }

    /// <summary>The events of a streamed function call whose arguments arrive in <paramref name="fragments"/>.</summary>
    public static List<string> CallStream(string id, string callId, string name, params string[] fragments)
    {
        var fc = "fc_" + id[5..];
        var args = string.Concat(fragments);
        var events = new List<string>
        {
            $$"""{"type":"response.created","sequence_number":0,"response":{{Response(id, "in_progress", "", null)}}}""",
            $$"""{"type":"response.in_progress","sequence_number":1,"response":{{Response(id, "in_progress", "", null)}}}""",
            $$"""{"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{{Call(fc, callId, name, "", "in_progress")}}}""",
        };
        foreach (var f in fragments)
            events.Add($$"""{"type":"response.function_call_arguments.delta","sequence_number":{{events.Count}},"item_id":"{{fc}}","output_index":0,"delta":{{JsonSerializer.Serialize(f)}}}""");
        events.Add($$"""{"type":"response.function_call_arguments.done","sequence_number":{{events.Count}},"item_id":"{{fc}}","output_index":0,"arguments":{{JsonSerializer.Serialize(args)}}}""");
        events.Add($$"""{"type":"response.output_item.done","sequence_number":{{events.Count}},"output_index":0,"item":{{Call(fc, callId, name, args)}}}""");
        events.Add($$"""{"type":"response.completed","sequence_number":{{events.Count}},"response":{{Response(id, "completed", Call(fc, callId, name, args), Usage(60, 18))}}}""");
        return events;
    }

    /// <summary>Writes events as OpenAI does (<c>event:</c> with the type, then <c>data:</c>), flushing each.</summary>
    public static async Task WriteStreamAsync(HttpContext ctx, IEnumerable<string> events)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        foreach (var data in events)
        {
            using var doc = JsonDocument.Parse(data);
            var type = doc.RootElement.GetProperty("type").GetString();
            await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: {type}\ndata: {data}\n\n"), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        }
    }

    /// <summary>The shape of a stream: each event's type with its output, content and summary indexes, in order.</summary>
    public static List<string> Shape(IEnumerable<JsonElement> events) => events.Select(e =>
        $"{e.GetProperty("type").GetString()}" +
        (e.TryGetProperty("output_index", out var o) ? $" o{o.GetInt32()}" : "") +
        (e.TryGetProperty("content_index", out var c) ? $" c{c.GetInt32()}" : "") +
        (e.TryGetProperty("summary_index", out var s) ? $" s{s.GetInt32()}" : "")).ToList();
}
