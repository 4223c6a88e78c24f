using System.Text.Json;
using Gateway.Chat;

namespace Gateway.Providers.Translation;

/// <summary>One tool call of an answer, arguments as the JSON string OpenAI clients expect.</summary>
public sealed record ToolCallOut(string Id, string Name, string Arguments);

/// <summary>A translated answer, written as an OpenAI <c>chat.completion</c>.</summary>
public sealed record CompletionOut(string Id, string Model, long Created, string? Content, string? Reasoning, IReadOnlyList<ToolCallOut> ToolCalls, string FinishReason, TokenUsage Usage);

public static class OpenAICompletionWriter
{
    public static byte[] Write(CompletionOut c) => JsonBytes.Write(c, static (w, c) =>
    {
        w.WriteStartObject();
        w.WriteString("id", c.Id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", c.Created);
        w.WriteString("model", c.Model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        // OpenAI sends null content on a pure tool-call answer; an empty string otherwise.
        if (string.IsNullOrEmpty(c.Content) && c.ToolCalls.Count > 0) w.WriteNull("content");
        else w.WriteString("content", c.Content ?? "");
        if (!string.IsNullOrEmpty(c.Reasoning)) w.WriteString("reasoning_content", c.Reasoning);
        if (c.ToolCalls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var t in c.ToolCalls)
            {
                w.WriteStartObject();
                w.WriteString("id", t.Id);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", t.Name);
                w.WriteString("arguments", t.Arguments);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteNull("refusal");
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", c.FinishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        OpenAIUsageWriter.Write(w, c.Usage);
        w.WriteEndObject();
    });
}
