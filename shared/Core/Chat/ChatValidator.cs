using System.Text.Json;
using Gateway.Http;

namespace Gateway.Chat;

/// <summary>
/// Checks a chat-completions body the way OpenAI's API does, whatever provider serves it, so a bad request gets the
/// same 400 (with <c>param</c> set) from every model. Only what the client sent is checked; unknown fields pass.
/// </summary>
internal static class ChatValidator
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];
    private static readonly string[] UserParts = ["text", "image_url", "input_audio", "file"];
    private static readonly string[] AssistantParts = ["text", "refusal"];
    private static readonly string[] TextParts = ["text"];
    private static readonly string[] ToolChoices = ["none", "auto", "required"];
    private static readonly string[] ResponseFormats = ["text", "json_object", "json_schema"];

    public const int MaxChoices = 128;
    public const int MaxStopSequences = 4;

    public static void Validate(JsonElement root)
    {
        Messages(root);
        // One pass over the fields the client sent: each check runs only for a field that is there.
        foreach (var p in root.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null) continue;
            if (p.NameEquals("temperature"u8)) RequestJson.Number(p.Value, "temperature", 0, 2);
            else if (p.NameEquals("top_p"u8)) RequestJson.Number(p.Value, "top_p", 0, 1);
            else if (p.NameEquals("presence_penalty"u8)) RequestJson.Number(p.Value, "presence_penalty", -2, 2);
            else if (p.NameEquals("frequency_penalty"u8)) RequestJson.Number(p.Value, "frequency_penalty", -2, 2);
            else if (p.NameEquals("n"u8)) RequestJson.Int(p.Value, "n", 1, MaxChoices);
            else if (p.NameEquals("max_tokens"u8)) RequestJson.Int(p.Value, "max_tokens", 1);
            else if (p.NameEquals("max_completion_tokens"u8)) RequestJson.Int(p.Value, "max_completion_tokens", 1);
            else if (p.NameEquals("top_logprobs"u8)) RequestJson.Int(p.Value, "top_logprobs", 0, 20);
            else if (p.NameEquals("logprobs"u8) || p.NameEquals("parallel_tool_calls"u8) || p.NameEquals("store"u8) || p.NameEquals("stream"u8))
                RequestJson.Bool(p.Value, p.Name);
            else if (p.NameEquals("user"u8) || p.NameEquals("reasoning_effort"u8)) RequestJson.String(p.Value, p.Name);
            else if (p.NameEquals("seed"u8) && (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt64(out _)))
                throw RequestJson.InvalidType("seed", "an integer", p.Value);
            else if (p.NameEquals("stop"u8)) Stop(p.Value);
            else if (p.NameEquals("tools"u8)) Tools(p.Value);
            else if (p.NameEquals("tool_choice"u8)) ToolChoice(p.Value);
            else if (p.NameEquals("response_format"u8)) ResponseFormat(p.Value);
            else if (p.NameEquals("logit_bias"u8)) LogitBias(p.Value);
            else if (p.NameEquals("stream_options"u8)) StreamOptions(root, p.Value);
        }
    }

    private static void Messages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind == JsonValueKind.Null)
            throw Errors.MissingField("messages", "an array of chat messages");
        if (messages.ValueKind != JsonValueKind.Array) throw RequestJson.InvalidType("messages", "an array", messages);
        if (messages.GetArrayLength() == 0) throw Errors.BadRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array");
        var i = 0;
        foreach (var m in messages.EnumerateArray())
        {
            // The common message ({"role":"user","content":"..."}) is checked without building a single string; any
            // other shape takes the full path, which names the exact param.
            if (IsPlainTextMessage(m))
            {
                i++;
                continue;
            }
            var at = $"messages[{i++}]";
            if (m.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType(at, "an object", m);
            if (!m.TryGetProperty("role", out var role) || role.ValueKind == JsonValueKind.Null)
                throw Errors.MissingField(at + ".role", "one of system, developer, user, assistant, tool");
            if (role.ValueKind != JsonValueKind.String) throw RequestJson.InvalidType(at + ".role", "a string", role);
            var r = role.GetString();
            if (!Roles.Contains(r)) throw RequestJson.InvalidValue(at + ".role", role, Roles);
            var parts = r switch { "user" => UserParts, "assistant" => AssistantParts, _ => TextParts };
            Content(m, at, parts, optional: r == "assistant");
            if (r == "tool") RequestJson.RequiredString(m, "tool_call_id", "the id of the tool call this message answers", at + ".tool_call_id");
            if (r == "function") RequestJson.RequiredString(m, "name", "the name of the function this message answers", at + ".name");
            RequestJson.OptionalString(m, "name", at + ".name");
        }
    }

    private static bool IsPlainTextMessage(JsonElement m)
    {
        if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String) return false;
        if (!(role.ValueEquals("user"u8) || role.ValueEquals("system"u8) || role.ValueEquals("developer"u8) || role.ValueEquals("assistant"u8))) return false;
        if (!m.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String) return false;
        return !m.TryGetProperty("name", out var name) || name.ValueKind == JsonValueKind.String;
    }

    private static void Content(JsonElement message, string at, string[] partTypes, bool optional)
    {
        var param = at + ".content";
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            if (optional) return;
            throw Errors.MissingField(param, "a string or an array of content parts");
        }
        if (content.ValueKind == JsonValueKind.String) return;
        if (content.ValueKind != JsonValueKind.Array) throw RequestJson.InvalidType(param, "a string or an array", content);
        var j = 0;
        foreach (var part in content.EnumerateArray())
        {
            var p = $"{param}[{j++}]";
            if (part.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType(p, "an object", part);
            var type = RequestJson.RequiredString(part, "type", "the content part's type", p + ".type");
            if (!partTypes.Contains(type)) throw RequestJson.InvalidValue(p + ".type", part.GetProperty("type"), partTypes);
            switch (type)
            {
                case "text": RequiredText(part, "text", p); break;
                case "refusal": RequiredText(part, "refusal", p); break;
                case "image_url": RequiredObject(part, "image_url", p, "url"); break;
                case "input_audio": RequiredObject(part, "input_audio", p, "data"); break;
                case "file": RequiredObject(part, "file", p, null); break;
            }
        }
    }

    /// <summary>A text field that must be a string; empty text is allowed (OpenAI accepts it; translators drop blank blocks).</summary>
    private static void RequiredText(JsonElement part, string name, string at)
    {
        if (!part.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw Errors.MissingField($"{at}.{name}", "a string");
        if (v.ValueKind != JsonValueKind.String) throw RequestJson.InvalidType($"{at}.{name}", "a string", v);
    }

    /// <summary>A part's payload object (<c>image_url: {url}</c>); <paramref name="field"/> is a string it must hold.</summary>
    private static void RequiredObject(JsonElement part, string name, string at, string? field)
    {
        if (!part.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw Errors.MissingField($"{at}.{name}", "an object");
        if (v.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType($"{at}.{name}", "an object", v);
        if (field is not null) RequestJson.RequiredString(v, field, "a string", $"{at}.{name}.{field}");
    }

    private static void Stop(JsonElement stop)
    {
        if (stop.ValueKind == JsonValueKind.String) return;
        if (stop.ValueKind != JsonValueKind.Array) throw RequestJson.InvalidType("stop", "a string or an array of strings", stop);
        if (stop.GetArrayLength() > MaxStopSequences)
            throw Errors.BadRequest($"Invalid 'stop': array too long. Expected an array with maximum length {MaxStopSequences}, but got an array with length {stop.GetArrayLength()} instead.", "stop", "array_above_max_length");
        var i = 0;
        foreach (var s in stop.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.String) throw RequestJson.InvalidType($"stop[{i}]", "a string", s);
            i++;
        }
    }

    private static void Tools(JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array) throw RequestJson.InvalidType("tools", "an array", tools);
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = $"tools[{i++}]";
            if (tool.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType(at, "an object", tool);
            var type = RequestJson.RequiredString(tool, "type", "the tool's type, such as 'function'", at + ".type");
            // Provider-specific tool types (web search, computer use) pass to the providers that know them.
            if (type != "function") continue;
            if (!tool.TryGetProperty("function", out var fn) || fn.ValueKind == JsonValueKind.Null) throw Errors.MissingField(at + ".function", "the function definition");
            if (fn.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType(at + ".function", "an object", fn);
            var name = RequestJson.RequiredString(fn, "name", "the function's name", at + ".function.name");
            if (!IsFunctionName(name))
                throw Errors.BadRequest($"Invalid '{at}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{{1,64}}$'.", at + ".function.name", "invalid_value");
            RequestJson.OptionalString(fn, "description", at + ".function.description");
            RequestJson.OptionalBool(fn, "strict", at + ".function.strict");
            if (fn.TryGetProperty("parameters", out var ps) && ps.ValueKind is not (JsonValueKind.Null or JsonValueKind.Object))
                throw RequestJson.InvalidType(at + ".function.parameters", "an object", ps);
        }
    }

    private static bool IsFunctionName(string name) =>
        name.Length is >= 1 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static void ToolChoice(JsonElement choice)
    {
        if (choice.ValueKind == JsonValueKind.String)
        {
            if (!ToolChoices.Contains(choice.GetString())) throw RequestJson.InvalidValue("tool_choice", choice, ToolChoices);
            return;
        }
        if (choice.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType("tool_choice", "a string or an object", choice);
        var type = RequestJson.RequiredString(choice, "type", "'function'", "tool_choice.type");
        if (type != "function") return;
        if (!choice.TryGetProperty("function", out var fn) || fn.ValueKind != JsonValueKind.Object)
            throw Errors.MissingField("tool_choice.function", "an object naming the function");
        RequestJson.RequiredString(fn, "name", "the function's name", "tool_choice.function.name");
    }

    private static void ResponseFormat(JsonElement format)
    {
        if (format.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType("response_format", "an object", format);
        var type = RequestJson.RequiredString(format, "type", "one of text, json_object, json_schema", "response_format.type");
        if (!ResponseFormats.Contains(type)) throw RequestJson.InvalidValue("response_format.type", format.GetProperty("type"), ResponseFormats);
        if (type != "json_schema") return;
        if (!format.TryGetProperty("json_schema", out var schema) || schema.ValueKind == JsonValueKind.Null)
            throw Errors.MissingField("response_format.json_schema", "an object with the schema's name and schema");
        if (schema.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType("response_format.json_schema", "an object", schema);
        RequestJson.RequiredString(schema, "name", "the schema's name", "response_format.json_schema.name");
        if (schema.TryGetProperty("schema", out var s) && s.ValueKind is not (JsonValueKind.Null or JsonValueKind.Object))
            throw RequestJson.InvalidType("response_format.json_schema.schema", "an object", s);
    }

    private static void LogitBias(JsonElement bias)
    {
        if (bias.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType("logit_bias", "an object mapping token ids to numbers", bias);
        foreach (var p in bias.EnumerateObject()) RequestJson.Number(p.Value, $"logit_bias.{p.Name}", -100, 100);
    }

    private static void StreamOptions(JsonElement root, JsonElement so)
    {
        if (RequestJson.OptionalBool(root, "stream") != true)
            throw Errors.BadRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options", "invalid_value");
        if (so.ValueKind != JsonValueKind.Object) throw RequestJson.InvalidType("stream_options", "an object", so);
        RequestJson.OptionalBool(so, "include_usage", "stream_options.include_usage");
    }
}
