using System.Text.Json;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Responses;

/// <summary>
/// A Responses request (with the stored conversation before it, for <c>previous_response_id</c>) -> the equivalent chat
/// request, for deployments served through chat. <c>instructions</c> become the first system message; message items
/// become messages (<c>developer</c> as <c>system</c>); a run of <c>function_call</c> items becomes one assistant turn's
/// <c>tool_calls</c>; <c>function_call_output</c> items become <c>tool</c> messages. Dropped on purpose: earlier
/// <c>reasoning</c> items (chat has no place to send them back), <c>metadata</c> (kept on the stored response),
/// <c>truncation</c> and <c>include</c>. Refused with a 400: built-in tools and items only OpenAI can run.
/// </summary>
internal static class ResponsesToChat
{
    public static byte[] Write(JsonElement root, IReadOnlyList<JsonElement> history, bool stream) => JsonBytes.Write((root, history, stream), static (w, s) =>
    {
        var (root, history, stream) = s;
        w.WriteStartObject();
        w.WriteString("model", JsonBytes.String(root, "model"));
        w.WriteStartArray("messages");
        if (JsonBytes.String(root, "instructions") is { Length: > 0 } instructions)
        {
            w.WriteStartObject();
            w.WriteString("role", "system");
            w.WriteString("content", instructions);
            w.WriteEndObject();
        }
        var turns = new TurnBuilder(w);
        for (var i = 0; i < history.Count; i++) turns.Add(history[i], $"previous_response_id (item {i})");
        if (root.TryGetProperty("input", out var input))
        {
            if (input.ValueKind == JsonValueKind.String) turns.UserText(input.GetString()!);
            else if (input.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in input.EnumerateArray()) turns.Add(item, $"input[{i++}]");
            }
        }
        turns.Flush();
        w.WriteEndArray();
        WriteTools(w, root);
        WriteFormat(w, root);
        if (JsonBytes.TryGet(root, "max_output_tokens", JsonValueKind.Number, out var max))
        {
            w.WritePropertyName("max_completion_tokens");
            max.WriteTo(w);
        }
        foreach (var name in new[] { "temperature", "top_p" })
            if (JsonBytes.TryGet(root, name, JsonValueKind.Number, out var v))
            {
                w.WritePropertyName(name);
                v.WriteTo(w);
            }
        if (root.TryGetProperty("parallel_tool_calls", out var ptc) && ptc.ValueKind is JsonValueKind.True or JsonValueKind.False
            && JsonBytes.TryGet(root, "tools", JsonValueKind.Array, out var t) && t.GetArrayLength() > 0)
            w.WriteBoolean("parallel_tool_calls", ptc.GetBoolean());
        if (JsonBytes.String(root, "user") is { } user) w.WriteString("user", user);
        if (JsonBytes.TryGet(root, "reasoning", JsonValueKind.Object, out var reasoning) && JsonBytes.String(reasoning, "effort") is { } effort and not "none")
            w.WriteString("reasoning_effort", effort == "xhigh" ? "high" : effort);
        if (stream)
        {
            w.WriteBoolean("stream", true);
            w.WriteStartObject("stream_options");
            w.WriteBoolean("include_usage", true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    });

    private static void WriteTools(Utf8JsonWriter w, JsonElement root)
    {
        if (!JsonBytes.TryGet(root, "tools", JsonValueKind.Array, out var tools) || tools.GetArrayLength() == 0) return;
        w.WriteStartArray("tools");
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            if (JsonBytes.String(tool, "type") is var type && type != "function")
                throw Errors.InvalidField($"tools[{i}].type", $"the built-in tool '{type}' runs only on OpenAI-native deployments (this model is served through chat)");
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", JsonBytes.String(tool, "name"));
            if (JsonBytes.String(tool, "description") is { } d) w.WriteString("description", d);
            if (JsonBytes.TryGet(tool, "parameters", JsonValueKind.Object, out var parameters))
            {
                w.WritePropertyName("parameters");
                parameters.WriteTo(w);
            }
            if (tool.TryGetProperty("strict", out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False) w.WriteBoolean("strict", strict.GetBoolean());
            w.WriteEndObject();
            w.WriteEndObject();
            i++;
        }
        w.WriteEndArray();
        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null) return;
        if (choice.ValueKind == JsonValueKind.String)
        {
            w.WriteString("tool_choice", choice.GetString());
            return;
        }
        if (JsonBytes.String(choice, "type") != "function")
            throw Errors.InvalidField("tool_choice.type", "only 'function' choices can be sent to a model served through chat");
        w.WriteStartObject("tool_choice");
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", JsonBytes.String(choice, "name"));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary><c>text.format</c> -> <c>response_format</c>: the json_schema fields sit one level deeper in chat.</summary>
    private static void WriteFormat(Utf8JsonWriter w, JsonElement root)
    {
        if (!JsonBytes.TryGet(root, "text", JsonValueKind.Object, out var text) || !JsonBytes.TryGet(text, "format", JsonValueKind.Object, out var format)) return;
        switch (JsonBytes.String(format, "type"))
        {
            case "json_object":
                w.WriteStartObject("response_format");
                w.WriteString("type", "json_object");
                w.WriteEndObject();
                break;
            case "json_schema":
                w.WriteStartObject("response_format");
                w.WriteString("type", "json_schema");
                w.WriteStartObject("json_schema");
                w.WriteString("name", JsonBytes.String(format, "name"));
                if (JsonBytes.String(format, "description") is { } d) w.WriteString("description", d);
                w.WritePropertyName("schema");
                format.GetProperty("schema").WriteTo(w);
                if (format.TryGetProperty("strict", out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False) w.WriteBoolean("strict", strict.GetBoolean());
                w.WriteEndObject();
                w.WriteEndObject();
                break;
        }
    }

    /// <summary>Writes items as chat messages, holding an assistant turn open so the function calls after it join it.</summary>
    private sealed class TurnBuilder(Utf8JsonWriter w)
    {
        private string? _assistantText;
        private readonly List<JsonElement> _calls = [];
        private bool _open;

        public void UserText(string text)
        {
            Flush();
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteString("content", text);
            w.WriteEndObject();
        }

        public void Add(JsonElement item, string at)
        {
            switch (JsonBytes.String(item, "type") ?? "message")
            {
                case "message":
                    var role = JsonBytes.String(item, "role");
                    item.TryGetProperty("content", out var content);
                    if (role == "assistant")
                    {
                        Flush();
                        _open = true;
                        _assistantText = content.ValueKind == JsonValueKind.String ? content.GetString() : PartsText(content);
                        return;
                    }
                    Flush();
                    w.WriteStartObject();
                    w.WriteString("role", role is "developer" or "system" ? "system" : "user");
                    w.WritePropertyName("content");
                    WriteContent(content, at + ".content", role is "developer" or "system");
                    w.WriteEndObject();
                    return;
                case "function_call":
                    _open = true;
                    _calls.Add(item);
                    return;
                case "function_call_output":
                    Flush();
                    item.TryGetProperty("output", out var output);
                    w.WriteStartObject();
                    w.WriteString("role", "tool");
                    w.WriteString("tool_call_id", JsonBytes.String(item, "call_id"));
                    w.WriteString("content", output.ValueKind == JsonValueKind.String ? output.GetString() : PartsText(output));
                    w.WriteEndObject();
                    return;
                case "reasoning":
                    return; // chat takes no reasoning back from earlier turns
                case var other:
                    throw Errors.InvalidField(at + ".type", $"'{other}' items run only on OpenAI-native deployments (this model is served through chat)");
            }
        }

        public void Flush()
        {
            if (!_open) return;
            _open = false;
            w.WriteStartObject();
            w.WriteString("role", "assistant");
            if (string.IsNullOrEmpty(_assistantText) && _calls.Count > 0) w.WriteNull("content");
            else w.WriteString("content", _assistantText ?? "");
            if (_calls.Count > 0)
            {
                w.WriteStartArray("tool_calls");
                foreach (var c in _calls)
                {
                    w.WriteStartObject();
                    w.WriteString("id", JsonBytes.String(c, "call_id"));
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", JsonBytes.String(c, "name"));
                    w.WriteString("arguments", JsonBytes.String(c, "arguments") ?? "{}");
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
            _assistantText = null;
            _calls.Clear();
        }

        /// <summary>A message's content: text as is, images and files as chat parts. System turns take text only.</summary>
        private void WriteContent(JsonElement content, string at, bool textOnly)
        {
            if (content.ValueKind == JsonValueKind.String || textOnly)
            {
                w.WriteStringValue(content.ValueKind == JsonValueKind.String ? content.GetString() : PartsText(content));
                return;
            }
            w.WriteStartArray();
            var k = 0;
            foreach (var part in content.EnumerateArray())
            {
                var p = $"{at}[{k++}]";
                switch (JsonBytes.String(part, "type"))
                {
                    case "input_text" or "output_text" or "text":
                        w.WriteStartObject();
                        w.WriteString("type", "text");
                        w.WriteString("text", JsonBytes.String(part, "text") ?? "");
                        w.WriteEndObject();
                        break;
                    case "input_image" when JsonBytes.String(part, "image_url") is { } url:
                        w.WriteStartObject();
                        w.WriteString("type", "image_url");
                        w.WriteStartObject("image_url");
                        w.WriteString("url", url);
                        if (JsonBytes.String(part, "detail") is { } detail) w.WriteString("detail", detail);
                        w.WriteEndObject();
                        w.WriteEndObject();
                        break;
                    case "input_file" when JsonBytes.String(part, "file_data") is { } data:
                        w.WriteStartObject();
                        w.WriteString("type", "file");
                        w.WriteStartObject("file");
                        w.WriteString("file_data", data);
                        if (JsonBytes.String(part, "filename") is { } name) w.WriteString("filename", name);
                        w.WriteEndObject();
                        w.WriteEndObject();
                        break;
                    default:
                        throw Errors.InvalidField(p, "only text, images by URL and inline files can be sent to a model served through chat (file ids live at OpenAI)");
                }
            }
            w.WriteEndArray();
        }

        private static string PartsText(JsonElement parts) => parts.ValueKind != JsonValueKind.Array ? "" :
            string.Concat(parts.EnumerateArray().Select(p => JsonBytes.String(p, "text") ?? JsonBytes.String(p, "refusal") ?? ""));
    }
}
