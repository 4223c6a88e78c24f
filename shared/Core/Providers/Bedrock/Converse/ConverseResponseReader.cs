using System.Buffers;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Http;

namespace Gateway.Providers.Bedrock.Converse;

/// <summary>A Converse response as an OpenAI <c>chat.completion</c>: text joined, <c>toolUse</c> as <c>tool_calls</c>, reasoning as <c>reasoning_content</c>.</summary>
public static class ConverseResponseReader
{
    public static UpstreamResult Translate(ReadOnlySpan<byte> body, string id, string model, long created, string label, bool jsonTool = false)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            throw Errors.UpstreamProtocol(label, "the Converse response is not JSON: " + e.Message);
        }
        using (doc)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            TokenUsage usage;
            try
            {
                var root = doc.RootElement;
                if (!root.TryGetProperty("output", out var output) || !output.TryGetProperty("message", out var message))
                    throw Errors.UpstreamProtocol(label, "the Converse response has no output.message");
                usage = root.TryGetProperty("usage", out var u) ? ConverseUsage.Read(u) : TokenUsage.None;
                var stop = root.TryGetProperty("stopReason", out var s) ? s.GetString() : null;
                using var w = new Utf8JsonWriter(buffer);
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("object", "chat.completion");
                w.WriteNumber("created", created);
                w.WriteString("model", model);
                w.WriteStartArray("choices");
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                var realTools = WriteMessage(w, message, jsonTool);
                // A forced json_response tool call is the answer itself, so it ends as a normal stop.
                w.WriteString("finish_reason", stop == "tool_use" && jsonTool && realTools == 0 ? "stop" : StopReasons.ToFinishReason(stop));
                w.WriteEndObject();
                w.WriteEndArray();
                Translation.OpenAIUsageWriter.Write(w, usage);
                w.WriteEndObject();
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
            {
                throw Errors.UpstreamProtocol(label, "the Converse response is malformed: " + e.Message);
            }
            return new UpstreamResult(buffer.WrittenMemory.ToArray(), usage);
        }
    }

    private static bool IsJsonTool(JsonElement toolUse, bool jsonTool) =>
        jsonTool && toolUse.TryGetProperty("name", out var n) && n.ValueEquals(ConverseToolWriter.JsonToolName);

    /// <summary>Writes the assistant message; returns how many real tool calls it holds.</summary>
    private static int WriteMessage(Utf8JsonWriter w, JsonElement message, bool jsonTool)
    {
        string? text = null, reasoning = null;
        var tools = 0;
        if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
            foreach (var block in content.EnumerateArray())
            {
                if (block.TryGetProperty("text", out var t)) text += t.GetString();
                else if (block.TryGetProperty("reasoningContent", out var r) && r.TryGetProperty("reasoningText", out var rt) && rt.TryGetProperty("text", out var rtt))
                    reasoning += rtt.GetString();
                else if (block.TryGetProperty("toolUse", out var tu))
                {
                    if (IsJsonTool(tu, jsonTool)) text += tu.TryGetProperty("input", out var input) ? input.GetRawText() : "{}";
                    else tools++;
                }
            }

        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (text is null) w.WriteNull("content");
        else w.WriteString("content", text);
        if (reasoning is not null) w.WriteString("reasoning_content", reasoning);
        if (tools > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var block in content.EnumerateArray())
            {
                if (!block.TryGetProperty("toolUse", out var tu) || IsJsonTool(tu, jsonTool)) continue;
                w.WriteStartObject();
                w.WriteString("id", tu.GetProperty("toolUseId").GetString());
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", tu.GetProperty("name").GetString());
                w.WriteString("arguments", tu.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        return tools;
    }
}
