using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Support;

/// <summary>
/// Gemini API (Google AI Studio) wire format as its reference shows it: <c>GenerateContentResponse</c> with
/// candidates/content/parts, finishReason, usageMetadata, promptFeedback; SSE from <c>streamGenerateContent?alt=sse</c>
/// (<c>data:</c> lines only); Google's error body.
/// </summary>
public static class GeminiWire
{
    public const string Model = "gemini-2.5-flash";
    public const string ApiKey = "AIza-upstream-secret";

    public static string Models(string baseUrl) => $"""
          - model_name: gemini
            litellm_params:
              model: gemini/gemini-2.5-flash
              api_base: {baseUrl}/v1beta
              api_key: {ApiKey}
              timeout: 10
        """;

    public static string Usage(int prompt, int candidates, int cached = 0, int thoughts = 0)
    {
        var extra = (cached > 0 ? $",\"cachedContentTokenCount\":{cached}" : "") + (thoughts > 0 ? $",\"thoughtsTokenCount\":{thoughts}" : "");
        return $$$"""{"promptTokenCount":{{{prompt}}},"candidatesTokenCount":{{{candidates}}},"totalTokenCount":{{{prompt + candidates + thoughts}}}{{{extra}}},"promptTokensDetails":[{"modality":"TEXT","tokenCount":{{{prompt}}}}]}""";
    }

    public static string Text(string text) => $$$"""{"text":{{{JsonSerializer.Serialize(text)}}}}""";
    public static string Thought(string text) => $$$"""{"text":{{{JsonSerializer.Serialize(text)}}},"thought":true}""";
    public static string Call(string name, string argsJson) => $$$"""{"functionCall":{"name":"{{{name}}}","args":{{{argsJson}}}}}""";

    /// <summary>A function call part signed by a thinking model (Gemini 3 requires the signature back next turn).</summary>
    public static string SignedCall(string name, string argsJson, string signature) =>
        $$$"""{"functionCall":{"name":"{{{name}}}","args":{{{argsJson}}}},"thoughtSignature":"{{{signature}}}"}""";

    public static string Response(string parts, string? finish = "STOP", string? usage = null)
    {
        var finishJson = finish is null ? "" : $",\"finishReason\":\"{finish}\"";
        var usageJson = usage is null ? "" : $",\"usageMetadata\":{usage}";
        return $$$"""{"candidates":[{"content":{"parts":[{{{parts}}}],"role":"model"}{{{finishJson}}},"index":0}]{{{usageJson}}},"modelVersion":"{{{Model}}}","responseId":"mAitaLmkHPPlz7IPvtfUqQ4"}""";
    }

    public static string Blocked(string reason = "SAFETY") =>
        $$$"""{"promptFeedback":{"blockReason":"{{{reason}}}","safetyRatings":[{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH"}]},"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"modelVersion":"{{{Model}}}","responseId":"blocked1"}""";

    public static string Error(int code, string status, string message) =>
        $$$"""{"error":{"code":{{{code}}},"message":{{{JsonSerializer.Serialize(message)}}},"status":"{{{status}}}"}}""";

    public static async Task WriteJsonAsync(HttpContext ctx, string json, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=UTF-8";
        await ctx.Response.WriteAsync(json);
    }

    /// <summary>Writes each response as one <c>data:</c> event (CRLF line ends, as Google sends), flushing each.</summary>
    public static async Task WriteStreamAsync(HttpContext ctx, IEnumerable<string> events, Func<int, Task>? between = null)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        var i = 0;
        foreach (var data in events)
        {
            await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($"data: {data}\r\n\r\n"), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            if (between is not null) await between(i);
            i++;
        }
    }
}
