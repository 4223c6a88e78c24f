using System.Text.Json;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.AnthropicApi;

/// <summary>
/// An Anthropic Messages request -> the equivalent OpenAI chat request, for providers that are not Anthropic.
/// <c>tool_result</c> blocks become <c>tool</c> messages (with <c>is_error</c> kept as a gateway extension the
/// Anthropic and Gemini writers read), <c>tool_use</c> blocks become <c>tool_calls</c>. Dropped on purpose, because
/// the OpenAI form has no place for them: <c>cache_control</c> (OpenAI-format servers reject it; Anthropic upstreams get
/// the request untranslated), earlier turns' <c>thinking</c> blocks, and <c>top_k</c>. A <c>system</c> turn in the middle of
/// <c>messages</c> stays a system message at its place; Gemini and Bedrock, which have one system instruction, add its
/// text there.
/// </summary>
public static class MessagesToOpenAI
{
    /// <param name="openAIUpstream">The target speaks OpenAI's format itself: a failed tool result is marked in its text,
    /// since OpenAI-format servers do not know the <c>is_error</c> extension.</param>
    public static byte[] Write(JsonElement root, bool stream, bool openAIUpstream = false) => JsonBytes.Write((root, stream, openAIUpstream), static (w, s) =>
    {
        var (root, stream, openAIUpstream) = s;
        w.WriteStartObject();
        w.WriteString("model", JsonBytes.String(root, "model"));
        w.WriteStartArray("messages");
        if (root.TryGetProperty("system", out var system))
        {
            var text = SystemText(system);
            if (!string.IsNullOrWhiteSpace(text))
            {
                w.WriteStartObject();
                w.WriteString("role", "system");
                w.WriteString("content", text);
                w.WriteEndObject();
            }
        }
        var i = 0;
        foreach (var m in root.GetProperty("messages").EnumerateArray())
        {
            var role = JsonBytes.String(m, "role");
            m.TryGetProperty("content", out var content);
            if (role == "assistant") WriteAssistant(w, content);
            else if (role == "user") WriteUser(w, content, $"messages[{i}]", openAIUpstream);
            else if (role == "system") WriteSystem(w, content);
            else throw Errors.InvalidField($"messages[{i}].role", "expected 'user', 'assistant' or 'system'");
            i++;
        }
        w.WriteEndArray();
        WriteTools(w, root);
        if (JsonBytes.TryGet(root, "max_tokens", JsonValueKind.Number, out var max))
        {
            w.WritePropertyName("max_tokens");
            max.WriteTo(w);
        }
        if (JsonBytes.TryGet(root, "stop_sequences", JsonValueKind.Array, out var stop) && stop.GetArrayLength() > 0)
        {
            w.WritePropertyName("stop");
            stop.WriteTo(w);
        }
        foreach (var name in new[] { "temperature", "top_p" })
            if (JsonBytes.TryGet(root, name, JsonValueKind.Number, out var v))
            {
                w.WritePropertyName(name);
                v.WriteTo(w);
            }
        if (JsonBytes.TryGet(root, "metadata", JsonValueKind.Object, out var meta) && JsonBytes.String(meta, "user_id") is { } user) w.WriteString("user", user);
        if (JsonBytes.TryGet(root, "thinking", JsonValueKind.Object, out var thinking) && JsonBytes.String(thinking, "type") == "enabled")
            w.WriteString("reasoning_effort", JsonBytes.Int(thinking, "budget_tokens") switch { <= 2048 => "low", <= 8192 => "medium", _ => "high" });
        if (stream)
        {
            w.WriteBoolean("stream", true);
            w.WriteStartObject("stream_options");
            w.WriteBoolean("include_usage", true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    });

    private static void WriteSystem(Utf8JsonWriter w, JsonElement content)
    {
        if (SystemText(content) is not { Length: > 0 } text || string.IsNullOrWhiteSpace(text)) return;
        w.WriteStartObject();
        w.WriteString("role", "system");
        w.WriteString("content", text);
        w.WriteEndObject();
    }

    private static string? SystemText(JsonElement system) => system.ValueKind switch
    {
        JsonValueKind.String => system.GetString(),
        JsonValueKind.Array => string.Join("\n\n", system.EnumerateArray().Select(b => JsonBytes.String(b, "text")).Where(t => !string.IsNullOrWhiteSpace(t))),
        _ => null,
    };

    private static void WriteUser(Utf8JsonWriter w, JsonElement content, string param, bool openAIUpstream)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteString("content", content.GetString());
            w.WriteEndObject();
            return;
        }
        if (content.ValueKind != JsonValueKind.Array) throw Errors.InvalidField(param + ".content", "expected a string or an array of content blocks");
        // Tool results first, as their own tool messages; the rest of the turn follows as one user message.
        foreach (var b in content.EnumerateArray())
        {
            if (JsonBytes.String(b, "type") != "tool_result") continue;
            w.WriteStartObject();
            w.WriteString("role", "tool");
            w.WriteString("tool_call_id", JsonBytes.String(b, "tool_use_id"));
            b.TryGetProperty("content", out var rc);
            var text = rc.ValueKind == JsonValueKind.String ? rc.GetString() : BlockText(rc);
            var failed = b.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True;
            w.WriteString("content", failed && openAIUpstream ? "Error: " + text : text);
            if (failed && !openAIUpstream) w.WriteBoolean("is_error", true);
            w.WriteEndObject();
        }
        var parts = content.EnumerateArray().Where(b => JsonBytes.String(b, "type") != "tool_result").ToList();
        if (parts.Count == 0) return;
        w.WriteStartObject();
        w.WriteString("role", "user");
        w.WriteStartArray("content");
        var k = 0;
        foreach (var b in parts)
        {
            var type = JsonBytes.String(b, "type");
            w.WriteStartObject();
            if (type == "text")
            {
                w.WriteString("type", "text");
                w.WriteString("text", JsonBytes.String(b, "text") ?? "");
            }
            else if (type is "image" or "document" && JsonBytes.TryGet(b, "source", JsonValueKind.Object, out var src))
            {
                var url = JsonBytes.String(src, "type") == "base64"
                    ? $"data:{JsonBytes.String(src, "media_type")};base64,{JsonBytes.String(src, "data")}"
                    : JsonBytes.String(src, "url") ?? "";
                if (type == "image")
                {
                    w.WriteString("type", "image_url");
                    w.WriteStartObject("image_url");
                    w.WriteString("url", url);
                }
                else
                {
                    w.WriteString("type", "file");
                    w.WriteStartObject("file");
                    w.WriteString("file_data", url);
                }
                w.WriteEndObject();
            }
            else throw Errors.InvalidField($"{param}.content[{k}].type", $"'{type}' blocks can only be sent to Anthropic models");
            w.WriteEndObject();
            k++;
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteAssistant(Utf8JsonWriter w, JsonElement content)
    {
        var text = content.ValueKind == JsonValueKind.String ? content.GetString() : BlockText(content);
        var calls = content.ValueKind == JsonValueKind.Array
            ? content.EnumerateArray().Where(b => JsonBytes.String(b, "type") == "tool_use").ToList()
            : [];
        w.WriteStartObject();
        w.WriteString("role", "assistant");
        if (string.IsNullOrEmpty(text) && calls.Count > 0) w.WriteNull("content");
        else w.WriteString("content", text ?? "");
        if (calls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var c in calls)
            {
                w.WriteStartObject();
                w.WriteString("id", JsonBytes.String(c, "id"));
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", JsonBytes.String(c, "name"));
                w.WriteString("arguments", c.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static string BlockText(JsonElement blocks) => blocks.ValueKind != JsonValueKind.Array ? "" :
        string.Concat(blocks.EnumerateArray().Where(b => JsonBytes.String(b, "type") == "text").Select(b => JsonBytes.String(b, "text")));

    private static void WriteTools(Utf8JsonWriter w, JsonElement root)
    {
        if (!JsonBytes.TryGet(root, "tools", JsonValueKind.Array, out var tools) || tools.GetArrayLength() == 0) return;
        w.WriteStartArray("tools");
        var i = 0;
        foreach (var t in tools.EnumerateArray())
        {
            if (JsonBytes.String(t, "type") is { } type && type != "custom")
                throw Errors.InvalidField($"tools[{i}].type", $"server tool '{type}' is only available on Anthropic models");
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", JsonBytes.String(t, "name"));
            if (JsonBytes.String(t, "description") is { } d) w.WriteString("description", d);
            if (t.TryGetProperty("input_schema", out var schema))
            {
                w.WritePropertyName("parameters");
                schema.WriteTo(w);
            }
            w.WriteEndObject();
            w.WriteEndObject();
            i++;
        }
        w.WriteEndArray();
        if (!JsonBytes.TryGet(root, "tool_choice", JsonValueKind.Object, out var tc)) return;
        switch (JsonBytes.String(tc, "type"))
        {
            case "any":
                w.WriteString("tool_choice", "required");
                break;
            case "none":
                w.WriteString("tool_choice", "none");
                break;
            case "tool":
                w.WriteStartObject("tool_choice");
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", JsonBytes.String(tc, "name"));
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            default:
                w.WriteString("tool_choice", "auto");
                break;
        }
        if (tc.TryGetProperty("disable_parallel_tool_use", out var dp) && dp.ValueKind == JsonValueKind.True) w.WriteBoolean("parallel_tool_calls", false);
    }
}
