using System.Text.Json;
using Gateway.Http;

namespace Gateway.Providers.Bedrock.Converse;

/// <summary>Writes one OpenAI message's content as Converse content blocks.</summary>
internal static class ConverseContentWriter
{
    /// <summary>Whether the message yields at least one block; empty turns are dropped rather than sent blank.</summary>
    public static bool HasContent(JsonElement m, string role)
    {
        if (role is "tool" or "function") return true;
        if (role == "assistant" && m.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0) return true;
        if (!m.TryGetProperty("content", out var c)) return false;
        if (c.ValueKind == JsonValueKind.String) return !string.IsNullOrWhiteSpace(c.GetString());
        if (c.ValueKind != JsonValueKind.Array) return false;
        foreach (var part in c.EnumerateArray())
            if (!IsText(part) || !string.IsNullOrWhiteSpace(TextOf(part))) return true;
        return false;
    }

    /// <summary>System prompts: text blocks and cache points only.</summary>
    public static void WriteTextParts(Utf8JsonWriter w, JsonElement m, string where)
    {
        if (!m.TryGetProperty("content", out var c)) return;
        if (c.ValueKind == JsonValueKind.String) Text(w, c.GetString());
        else if (c.ValueKind == JsonValueKind.Array)
            foreach (var part in c.EnumerateArray())
            {
                if (IsText(part)) Text(w, TextOf(part));
                CachePointIfMarked(w, part);
            }
        CachePointIfMarked(w, m);
    }

    public static void WriteContent(Utf8JsonWriter w, JsonElement m, int index)
    {
        if (m.TryGetProperty("content", out var c))
        {
            if (c.ValueKind == JsonValueKind.String) Text(w, c.GetString());
            else if (c.ValueKind == JsonValueKind.Array)
            {
                var j = 0;
                foreach (var part in c.EnumerateArray())
                {
                    WritePart(w, part, $"messages[{index}].content[{j++}]");
                    CachePointIfMarked(w, part);
                }
            }
        }
        if (m.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            foreach (var call in calls.EnumerateArray()) WriteToolUse(w, call);
        CachePointIfMarked(w, m);
    }

    public static void WriteToolResult(Utf8JsonWriter w, JsonElement m, int index)
    {
        if (!m.TryGetProperty("tool_call_id", out var id) || id.ValueKind != JsonValueKind.String)
            throw Errors.MissingField($"messages[{index}].tool_call_id", "the id of the tool call this message answers");
        w.WriteStartObject();
        w.WritePropertyName("toolResult");
        w.WriteStartObject();
        w.WriteString("toolUseId", id.GetString());
        w.WriteStartArray("content");
        if (m.TryGetProperty("content", out var c))
        {
            if (c.ValueKind == JsonValueKind.String) Text(w, c.GetString());
            else if (c.ValueKind == JsonValueKind.Array)
                foreach (var part in c.EnumerateArray())
                    if (IsText(part)) Text(w, TextOf(part));
        }
        w.WriteEndArray();
        // OpenAI has no failure flag on tool results; "is_error": true (Anthropic's name) or a "status" of success or
        // error on the message is passed on. Without either, no status is sent (not every Bedrock model accepts one).
        if (m.TryGetProperty("is_error", out var isError) && isError.ValueKind is JsonValueKind.True or JsonValueKind.False)
            w.WriteString("status", isError.GetBoolean() ? "error" : "success");
        else if (m.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && (status.ValueEquals("success") || status.ValueEquals("error")))
            w.WriteString("status", status.GetString());
        w.WriteEndObject();
        w.WriteEndObject();
        CachePointIfMarked(w, m);
    }

    private static void WritePart(Utf8JsonWriter w, JsonElement part, string param)
    {
        if (part.ValueKind != JsonValueKind.Object) throw Errors.InvalidField(param, "expected a content part object");
        var type = part.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (type)
        {
            case "text":
                Text(w, TextOf(part));
                break;
            case "image_url":
                var url = part.GetProperty("image_url") is { ValueKind: JsonValueKind.Object } iu && iu.TryGetProperty("url", out var u) ? u.GetString() : part.GetProperty("image_url").GetString();
                var image = DataUrl.Parse(url, param + ".image_url.url");
                w.WriteStartObject();
                w.WritePropertyName("image");
                w.WriteStartObject();
                w.WriteString("format", DataUrl.ImageFormat(image.MediaType, param));
                w.WritePropertyName("source");
                w.WriteStartObject();
                w.WriteString("bytes", image.Base64);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case "file":
                var file = part.GetProperty("file");
                var data = file.TryGetProperty("file_data", out var fd) ? fd.GetString() : null;
                var doc = DataUrl.Parse(data, param + ".file.file_data");
                var name = file.TryGetProperty("filename", out var fn) ? fn.GetString() : null;
                w.WriteStartObject();
                w.WritePropertyName("document");
                w.WriteStartObject();
                w.WriteString("format", DataUrl.DocumentFormat(doc.MediaType, name, param));
                w.WriteString("name", DataUrl.DocumentName(name));
                w.WritePropertyName("source");
                w.WriteStartObject();
                w.WriteString("bytes", doc.Base64);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            default:
                throw Errors.InvalidField(param + ".type", $"'{type}' content parts cannot be sent to Bedrock (text, image_url with a data: URL, file)");
        }
    }

    private static void WriteToolUse(Utf8JsonWriter w, JsonElement call)
    {
        var fn = call.GetProperty("function");
        w.WriteStartObject();
        w.WritePropertyName("toolUse");
        w.WriteStartObject();
        w.WriteString("toolUseId", call.TryGetProperty("id", out var id) ? id.GetString() : "");
        w.WriteString("name", fn.GetProperty("name").GetString());
        w.WritePropertyName("input");
        var args = fn.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        WriteArguments(w, args);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>OpenAI carries arguments as a JSON string; Converse wants the object. Unparseable text becomes <c>{}</c>.</summary>
    private static void WriteArguments(Utf8JsonWriter w, string? args)
    {
        if (!string.IsNullOrWhiteSpace(args))
        {
            try
            {
                using var doc = JsonDocument.Parse(args);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    doc.RootElement.WriteTo(w);
                    return;
                }
            }
            catch (JsonException)
            {
            }
        }
        w.WriteStartObject();
        w.WriteEndObject();
    }

    private static bool IsText(JsonElement part) =>
        part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueEquals("text");

    private static string? TextOf(JsonElement part) =>
        part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    /// <summary>Bedrock rejects blank text blocks, so whitespace-only text is skipped.</summary>
    private static void Text(Utf8JsonWriter w, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        w.WriteStartObject();
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    /// <summary>Anthropic-style <c>cache_control</c> on a part or message becomes a <c>cachePoint</c> after it.</summary>
    private static void CachePointIfMarked(Utf8JsonWriter w, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("cache_control", out var cc) || cc.ValueKind != JsonValueKind.Object) return;
        w.WriteStartObject();
        w.WritePropertyName("cachePoint");
        w.WriteStartObject();
        w.WriteString("type", "default");
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
