using System.Buffers;
using System.Text.Json;
using Gateway.Http;

namespace Gateway.Providers.Bedrock.Converse;

/// <summary>
/// Translates an OpenAI chat request into a Converse request body. System and developer messages become
/// <c>system</c>; tool results become <c>toolResult</c> blocks in a user turn; consecutive turns of one role are
/// merged because Converse requires user and assistant to alternate. Blank text is never sent (Bedrock rejects it).
/// Fields Converse has no place for (<c>response_format</c>, <c>n</c>, <c>logprobs</c>, ...) are not sent.
/// </summary>
public static class ConverseRequestWriter
{
    /// <param name="dropUnsupported"><c>drop_params</c>: serve one choice instead of refusing <c>n</c> &gt; 1.</param>
    public static byte[] Write(JsonElement root, bool dropUnsupported = false)
    {
        if (!dropUnsupported && root.TryGetProperty("n", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var count) && count > 1)
            throw Errors.InvalidField("n", "Bedrock returns one choice per call; send n = 1 (drop_params: true serves one instead)");
        var buffer = new ArrayBufferWriter<byte>(1024);
        try
        {
            using var w = new Utf8JsonWriter(buffer);
            w.WriteStartObject();
            var messages = root.GetProperty("messages");
            // Converse needs at least one turn: a request of system prompts only sends them as the user turn.
            var systemAsUser = !HasTurns(messages);
            if (!systemAsUser) WriteSystem(w, messages);
            WriteMessages(w, messages, systemAsUser);
            WriteInferenceConfig(w, root);
            ConverseToolWriter.WriteToolConfig(w, root);
            WriteAdditionalFields(w, root);
            w.WriteEndObject();
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            // A required field missing or of the wrong JSON type somewhere the up-front validation does not look (tool calls, parts).
            throw Errors.BadRequest("The request has a malformed message, content part or tool call and cannot be sent to Bedrock: " + e.Message, "messages", "invalid_value");
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True when the request asks for JSON-schema output, which Converse gets as a forced <c>json_response</c> tool.</summary>
    public static bool UsesJsonTool(JsonElement root) => ConverseToolWriter.JsonSchema(root) is not null;

    private static bool HasTurns(JsonElement messages)
    {
        foreach (var m in messages.EnumerateArray())
            if (!IsSystem(m) && m.GetProperty("role").GetString() is { } role && ConverseContentWriter.HasContent(m, role)) return true;
        return false;
    }

    private static bool IsSystem(JsonElement m) => m.GetProperty("role").ValueEquals("system") || m.GetProperty("role").ValueEquals("developer");

    private static void WriteSystem(Utf8JsonWriter w, JsonElement messages)
    {
        var started = false;
        foreach (var m in messages.EnumerateArray())
        {
            if (!IsSystem(m) || !ConverseContentWriter.HasContent(m, "system")) continue;
            if (!started)
            {
                w.WriteStartArray("system");
                started = true;
            }
            ConverseContentWriter.WriteTextParts(w, m, "system");
        }
        if (started) w.WriteEndArray();
    }

    private static void WriteMessages(Utf8JsonWriter w, JsonElement messages, bool systemAsUser)
    {
        w.WriteStartArray("messages");
        string? openRole = null;
        var i = -1;
        foreach (var m in messages.EnumerateArray())
        {
            i++;
            if (IsSystem(m) && !systemAsUser) continue;
            var role = IsSystem(m) ? "user" : m.GetProperty("role").GetString();
            var bedrockRole = role switch
            {
                "user" or "tool" or "function" => "user",
                "assistant" => "assistant",
                _ => throw Errors.InvalidField($"messages[{i}].role", $"'{role}' is not a chat role"),
            };
            if (!ConverseContentWriter.HasContent(m, role!)) continue;
            if (openRole != bedrockRole)
            {
                if (openRole is not null) EndTurn(w);
                w.WriteStartObject();
                w.WriteString("role", bedrockRole);
                w.WriteStartArray("content");
                openRole = bedrockRole;
            }
            if (role is "tool" or "function") ConverseContentWriter.WriteToolResult(w, m, i);
            else ConverseContentWriter.WriteContent(w, m, i);
        }
        if (openRole is not null) EndTurn(w);
        w.WriteEndArray();
    }

    private static void EndTurn(Utf8JsonWriter w)
    {
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteInferenceConfig(Utf8JsonWriter w, JsonElement root)
    {
        var started = false;
        void Start()
        {
            if (started) return;
            w.WritePropertyName("inferenceConfig");
            w.WriteStartObject();
            started = true;
        }
        var max = Number(root, "max_completion_tokens") ?? Number(root, "max_tokens");
        if (max is { } mt)
        {
            Start();
            w.WritePropertyName("maxTokens");
            mt.WriteTo(w);
        }
        if (Number(root, "temperature") is { } t)
        {
            Start();
            w.WritePropertyName("temperature");
            t.WriteTo(w);
        }
        if (Number(root, "top_p") is { } p)
        {
            Start();
            w.WritePropertyName("topP");
            p.WriteTo(w);
        }
        if (root.TryGetProperty("stop", out var stop) && stop.ValueKind is JsonValueKind.String or JsonValueKind.Array)
        {
            Start();
            w.WriteStartArray("stopSequences");
            if (stop.ValueKind == JsonValueKind.String) w.WriteStringValue(stop.GetString());
            else foreach (var s in stop.EnumerateArray()) if (s.ValueKind == JsonValueKind.String) w.WriteStringValue(s.GetString());
            w.WriteEndArray();
        }
        if (started) w.WriteEndObject();
    }

    /// <summary>Model-specific extras: an explicit <c>additionalModelRequestFields</c> object, plus <c>thinking</c> and <c>top_k</c>.</summary>
    private static void WriteAdditionalFields(Utf8JsonWriter w, JsonElement root)
    {
        var explicitFields = root.TryGetProperty("additionalModelRequestFields", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
        var thinking = root.TryGetProperty("thinking", out var th) && th.ValueKind == JsonValueKind.Object ? th : default;
        var topK = Number(root, "top_k");
        if (explicitFields.ValueKind == JsonValueKind.Undefined && thinking.ValueKind == JsonValueKind.Undefined && topK is null) return;
        w.WritePropertyName("additionalModelRequestFields");
        w.WriteStartObject();
        if (explicitFields.ValueKind == JsonValueKind.Object)
            foreach (var p in explicitFields.EnumerateObject()) p.WriteTo(w);
        if (thinking.ValueKind == JsonValueKind.Object)
        {
            w.WritePropertyName("thinking");
            thinking.WriteTo(w);
        }
        if (topK is { } k)
        {
            w.WritePropertyName("top_k");
            k.WriteTo(w);
        }
        w.WriteEndObject();
    }

    private static JsonElement? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v : null;
}
