using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Support;

/// <summary>
/// Responses exactly as OpenAI's Chat Completions API writes them (field set and order from the API reference:
/// <c>chat.completion</c>, <c>chat.completion.chunk</c> with tool-call deltas, the usage-only final chunk, <c>[DONE]</c>).
/// </summary>
public static class OpenAIWire
{
    public const string Id = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG";
    public const string Model = "gpt-4o-mini-2024-07-18";

    public static string Usage(int prompt, int completion, int cached = 0, int reasoning = 0) =>
        $$$"""{"prompt_tokens":{{{prompt}}},"completion_tokens":{{{completion}}},"total_tokens":{{{prompt + completion}}},"prompt_tokens_details":{"cached_tokens":{{{cached}}},"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":{{{reasoning}}},"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}""";

    public static string Completion(string content, int prompt = 19, int completion = 10, string finish = "stop") =>
        $$"""{"id":"{{Id}}","object":"chat.completion","created":1741569952,"model":"{{Model}}","choices":[{"index":0,"message":{"role":"assistant","content":{{JsonSerializer.Serialize(content)}},"refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"{{finish}}"}],"usage":{{Usage(prompt, completion)}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}""";

    /// <summary>A completion whose message calls tools: <c>content</c> null, <c>finish_reason</c> tool_calls.</summary>
    public static string ToolCallCompletion(params (string Id, string Name, string Arguments)[] calls)
    {
        var toolCalls = string.Join(",", calls.Select(c =>
            $$$"""{"id":"{{{c.Id}}}","type":"function","function":{"name":"{{{c.Name}}}","arguments":{{{JsonSerializer.Serialize(c.Arguments)}}}}}"""));
        return $$$"""{"id":"{{{Id}}}","object":"chat.completion","created":1741569952,"model":"{{{Model}}}","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{{{toolCalls}}}],"refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{{{Usage(82, 37)}}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}""";
    }

    public static string Chunk(string delta, string? finish = null, bool withUsageNull = true) =>
        $$"""{"id":"{{Id}}","object":"chat.completion.chunk","created":1741569952,"model":"{{Model}}","service_tier":"default","system_fingerprint":"fp_06737a9306","choices":[{"index":0,"delta":{{delta}},"logprobs":null,"finish_reason":{{(finish is null ? "null" : $"\"{finish}\"")}}}]{{(withUsageNull ? ",\"usage\":null" : "")}}}""";

    public static string UsageChunk(int prompt, int completion, int cached = 0) =>
        $$"""{"id":"{{Id}}","object":"chat.completion.chunk","created":1741569952,"model":"{{Model}}","service_tier":"default","system_fingerprint":"fp_06737a9306","choices":[],"usage":{{Usage(prompt, completion, cached)}}}""";

    /// <summary>The SSE chunks of a text answer split into <paramref name="pieces"/>, then finish, then (if asked) usage.</summary>
    public static List<string> TextStream(IEnumerable<string> pieces, bool includeUsage, int prompt = 19, int completion = 10)
    {
        var chunks = new List<string> { Chunk("""{"role":"assistant","content":"","refusal":null}""", withUsageNull: includeUsage) };
        chunks.AddRange(pieces.Select(p => Chunk($$"""{"content":{{JsonSerializer.Serialize(p)}}}""", withUsageNull: includeUsage)));
        chunks.Add(Chunk("{}", "stop", includeUsage));
        if (includeUsage) chunks.Add(UsageChunk(prompt, completion));
        return chunks;
    }

    /// <summary>Two parallel tool calls streamed the way OpenAI does: id and name first, then argument fragments per index.</summary>
    public static List<string> ParallelToolCallStream(bool includeUsage) =>
    [
        Chunk("""{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_weather_paris","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null}""", withUsageNull: includeUsage),
        Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}""", withUsageNull: includeUsage),
        Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"ty\": \"Paris\"}"}}]}""", withUsageNull: includeUsage),
        Chunk("""{"tool_calls":[{"index":1,"id":"call_weather_tokyo","type":"function","function":{"name":"get_weather","arguments":""}}]}""", withUsageNull: includeUsage),
        Chunk("""{"tool_calls":[{"index":1,"function":{"arguments":"{\"city\": "}}]}""", withUsageNull: includeUsage),
        Chunk("""{"tool_calls":[{"index":1,"function":{"arguments":"\"Tokyo\"}"}}]}""", withUsageNull: includeUsage),
        Chunk("{}", "tool_calls", includeUsage),
        .. includeUsage ? new[] { UsageChunk(82, 37) } : [],
    ];

    public static async Task WriteJsonAsync(HttpContext ctx, string json, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json);
    }

    /// <summary>Writes chunks as SSE, flushing each, then <c>data: [DONE]</c>. <paramref name="between"/> runs after each chunk.</summary>
    public static async Task WriteStreamAsync(HttpContext ctx, IEnumerable<string> chunks, Func<int, Task>? between = null)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        var i = 0;
        foreach (var chunk in chunks)
        {
            await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("data: " + chunk + "\n\n"), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            if (between is not null) await between(i);
            i++;
        }
        await ctx.Response.WriteAsync("data: [DONE]\n\n", ctx.RequestAborted);
    }

    public static string Error(string message, string type, string? code, string? param = null) =>
        $$$"""{"error":{"message":{{{JsonSerializer.Serialize(message)}}},"type":"{{{type}}}","param":{{{(param is null ? "null" : $"\"{param}\"")}}},"code":{{{(code is null ? "null" : $"\"{code}\"")}}}}}""";

    /// <summary>True when the upstream request asked for usage on the stream.</summary>
    public static bool AskedForUsage(RecordedRequest r)
    {
        using var doc = JsonDocument.Parse(r.Body);
        return doc.RootElement.TryGetProperty("stream_options", out var so) && so.TryGetProperty("include_usage", out var iu) && iu.GetBoolean();
    }
}
