using System.Text.Json;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Anthropic;

/// <summary>
/// Writes OpenAI <c>messages</c> (minus system ones) as Anthropic's alternating user/assistant turns. Turns of the same
/// role in a row are merged into one, so the tool messages answering one assistant turn become one user turn.
/// A message with nothing to say (no text, no calls) produces no turn at all.
/// </summary>
internal static class AnthropicMessagesWriter
{
    public static void Write(Utf8JsonWriter w, JsonElement messages)
    {
        w.WriteStartArray("messages");
        var turn = new TurnWriter(w, "content");
        var i = 0;
        foreach (var m in messages.EnumerateArray())
        {
            var role = JsonBytes.String(m, "role");
            m.TryGetProperty("content", out var content);
            switch (role)
            {
                case "user":
                    WriteUserContent(turn, "user", content, $"messages[{i}]");
                    break;
                case "assistant":
                    foreach (var (text, cache) in TextParts(content)) WriteText(turn.Open("assistant"), text, cache);
                    if (JsonBytes.TryGet(m, "tool_calls", JsonValueKind.Array, out var calls))
                    {
                        var j = 0;
                        foreach (var call in calls.EnumerateArray()) WriteToolUse(turn, call, $"messages[{i}].tool_calls[{j++}]");
                    }
                    break;
                case "tool":
                    WriteToolResult(turn, m, content, $"messages[{i}]");
                    break;
            }
            i++;
        }
        turn.Close();
        w.WriteEndArray();
    }

    /// <summary>True when any message besides system/developer ones will become a turn.</summary>
    public static bool HasTurns(JsonElement messages) =>
        messages.EnumerateArray().Any(m => JsonBytes.String(m, "role") is "user" or "assistant" or "tool");

    /// <summary>A system-only prompt: its text is sent as the one user turn (Anthropic rejects an empty <c>messages</c>).</summary>
    public static void WriteSystemAsUser(Utf8JsonWriter w, JsonElement messages)
    {
        w.WriteStartArray("messages");
        var turn = new TurnWriter(w, "content");
        foreach (var m in messages.EnumerateArray())
            if (m.TryGetProperty("content", out var content))
                foreach (var (text, cache) in TextParts(content)) WriteText(turn.Open("user"), text, cache);
        turn.Close();
        w.WriteEndArray();
    }

    /// <summary>The non-blank text of a content value, with each part's <c>cache_control</c>.</summary>
    public static IEnumerable<(string Text, JsonElement Cache)> TextParts(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            if (!string.IsNullOrWhiteSpace(content.GetString())) yield return (content.GetString()!, default);
            yield break;
        }
        if (content.ValueKind != JsonValueKind.Array) yield break;
        foreach (var part in content.EnumerateArray())
            if (JsonBytes.String(part, "type") == "text" && JsonBytes.String(part, "text") is { } t && !string.IsNullOrWhiteSpace(t))
                yield return (t, part.TryGetProperty("cache_control", out var cc) ? cc : default);
    }

    public static void WriteText(Utf8JsonWriter w, string text, JsonElement cache)
    {
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", text);
        WriteCache(w, cache);
        w.WriteEndObject();
    }

    private static void WriteCache(Utf8JsonWriter w, JsonElement cache)
    {
        if (cache.ValueKind != JsonValueKind.Object) return;
        w.WritePropertyName("cache_control");
        cache.WriteTo(w);
    }

    private static void WriteUserContent(TurnWriter turn, string role, JsonElement content, string param)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            foreach (var (text, cache) in TextParts(content)) WriteText(turn.Open(role), text, cache);
            return;
        }
        var k = 0;
        foreach (var part in content.EnumerateArray())
        {
            var type = JsonBytes.String(part, "type");
            var cache = part.TryGetProperty("cache_control", out var cc) ? cc : default;
            if (type == "text")
            {
                if (JsonBytes.String(part, "text") is { } t && !string.IsNullOrWhiteSpace(t)) WriteText(turn.Open(role), t, cache);
            }
            else if (type == "image_url")
            {
                var url = JsonBytes.TryGet(part, "image_url", JsonValueKind.Object, out var iu) ? JsonBytes.String(iu, "url") : JsonBytes.String(part, "image_url");
                if (url is null) throw Errors.InvalidField($"{param}.content[{k}].image_url", "expected {\"url\": ...}");
                WriteImage(turn.Open(role), url, cache);
            }
            else if (type == "file" && JsonBytes.TryGet(part, "file", JsonValueKind.Object, out var file) && JsonBytes.String(file, "file_data") is { } data && DataUrl.TryParse(data, out var mt, out var b64))
            {
                var w = turn.Open(role);
                w.WriteStartObject();
                w.WriteString("type", "document");
                WriteSource(w, mt, b64);
                WriteCache(w, cache);
                w.WriteEndObject();
            }
            else
                throw Errors.InvalidField($"{param}.content[{k}].type", $"'{type}' content parts cannot be sent to an Anthropic model");
            k++;
        }
    }

    private static void WriteImage(Utf8JsonWriter w, string url, JsonElement cache)
    {
        w.WriteStartObject();
        w.WriteString("type", "image");
        if (DataUrl.TryParse(url, out var mediaType, out var data)) WriteSource(w, mediaType, data);
        else
        {
            w.WriteStartObject("source");
            w.WriteString("type", "url");
            w.WriteString("url", url);
            w.WriteEndObject();
        }
        WriteCache(w, cache);
        w.WriteEndObject();
    }

    private static void WriteSource(Utf8JsonWriter w, string mediaType, string data)
    {
        w.WriteStartObject("source");
        w.WriteString("type", "base64");
        w.WriteString("media_type", mediaType);
        w.WriteString("data", data);
        w.WriteEndObject();
    }

    private static void WriteToolUse(TurnWriter turn, JsonElement call, string param)
    {
        var f = call.TryGetProperty("function", out var fn) ? fn : default;
        var id = JsonBytes.String(call, "id") ?? throw Errors.MissingField(param + ".id", "the tool call's id");
        var name = JsonBytes.String(f, "name") ?? throw Errors.MissingField(param + ".function.name", "the function's name");
        using var args = JsonBytes.Arguments(JsonBytes.String(f, "arguments"), param + ".function.arguments");
        var w = turn.Open("assistant");
        w.WriteStartObject();
        w.WriteString("type", "tool_use");
        w.WriteString("id", id);
        w.WriteString("name", name);
        w.WritePropertyName("input");
        args.RootElement.WriteTo(w);
        w.WriteEndObject();
    }

    /// <summary>A tool message; <c>is_error: true</c> on it (a gateway extension, also set by /v1/messages) marks a failed call.</summary>
    private static void WriteToolResult(TurnWriter turn, JsonElement m, JsonElement content, string param)
    {
        var id = JsonBytes.String(m, "tool_call_id") ?? throw Errors.MissingField(param + ".tool_call_id", "the id of the tool call this answers");
        var w = turn.Open("user");
        w.WriteStartObject();
        w.WriteString("type", "tool_result");
        w.WriteString("tool_use_id", id);
        var texts = TextParts(content).ToList();
        if (texts.Count > 0)
        {
            w.WriteStartArray("content");
            foreach (var (text, cache) in texts) WriteText(w, text, cache);
            w.WriteEndArray();
        }
        if (m.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True) w.WriteBoolean("is_error", true);
        w.WriteEndObject();
    }
}
