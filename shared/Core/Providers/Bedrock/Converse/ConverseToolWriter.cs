using System.Text.Json;
using Gateway.Http;

namespace Gateway.Providers.Bedrock.Converse;

/// <summary>OpenAI <c>tools</c> and <c>tool_choice</c> as Converse <c>toolConfig</c>.</summary>
internal static class ConverseToolWriter
{
    public const string JsonToolName = "json_response";

    private static readonly JsonDocument EmptyArray = JsonDocument.Parse("[]");

    /// <summary>The schema of <c>response_format: {type: json_schema}</c>, if asked for.</summary>
    public static JsonElement? JsonSchema(JsonElement root) =>
        root.TryGetProperty("response_format", out var rf) && rf.ValueKind == JsonValueKind.Object
        && rf.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.ValueEquals("json_schema")
        && rf.TryGetProperty("json_schema", out var js) && js.ValueKind == JsonValueKind.Object
        && js.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object ? schema : null;

    public static void WriteToolConfig(Utf8JsonWriter w, JsonElement root)
    {
        var hasTools = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
        // Converse has no "none": leaving the tools out is the only way to forbid calls, but Bedrock requires them
        // whenever the history holds tool calls or results, so then they stay and the choice falls back to auto.
        if (hasTools && root.TryGetProperty("tool_choice", out var tc) && tc.ValueKind == JsonValueKind.String && tc.ValueEquals("none") && !HasToolHistory(root)) hasTools = false;
        var schema = JsonSchema(root);
        if (!hasTools && schema is null) return;
        w.WritePropertyName("toolConfig");
        w.WriteStartObject();
        w.WriteStartArray("tools");
        if (schema is { } s) WriteJsonTool(w, s);
        var i = 0;
        foreach (var tool in hasTools ? tools.EnumerateArray() : EmptyArray.RootElement.EnumerateArray())
        {
            if (!tool.TryGetProperty("function", out var fn) || fn.ValueKind != JsonValueKind.Object
                || !fn.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                throw Errors.InvalidField($"tools[{i}]", "expected {\"type\":\"function\",\"function\":{\"name\":...}}");
            w.WriteStartObject();
            w.WritePropertyName("toolSpec");
            w.WriteStartObject();
            w.WriteString("name", name.GetString());
            if (fn.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(d.GetString()))
                w.WriteString("description", d.GetString());
            w.WritePropertyName("inputSchema");
            w.WriteStartObject();
            w.WritePropertyName("json");
            if (fn.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object) p.WriteTo(w);
            else
            {
                // Converse requires a schema; a tool without parameters takes an empty object.
                w.WriteStartObject();
                w.WriteString("type", "object");
                w.WriteStartObject("properties");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            i++;
        }
        w.WriteEndArray();
        if (schema is null) WriteToolChoice(w, root);
        else
        {
            // JSON-schema output: the model must answer through the json_response tool, whose input is the answer.
            w.WritePropertyName("toolChoice");
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteString("name", JsonToolName);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static bool HasToolHistory(JsonElement root)
    {
        foreach (var m in root.GetProperty("messages").EnumerateArray())
            if (m.GetProperty("role").ValueEquals("tool") || (m.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0))
                return true;
        return false;
    }

    private static void WriteJsonTool(Utf8JsonWriter w, JsonElement schema)
    {
        w.WriteStartObject();
        w.WritePropertyName("toolSpec");
        w.WriteStartObject();
        w.WriteString("name", JsonToolName);
        w.WriteString("description", "Respond with a JSON object that matches the schema.");
        w.WritePropertyName("inputSchema");
        w.WriteStartObject();
        w.WritePropertyName("json");
        schema.WriteTo(w);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>auto -> auto, required -> any, a named function -> tool. Converse has no "none": the choice is left out (auto).</summary>
    private static void WriteToolChoice(Utf8JsonWriter w, JsonElement root)
    {
        if (!root.TryGetProperty("tool_choice", out var choice)) return;
        if (choice.ValueKind == JsonValueKind.String)
        {
            var kind = choice.GetString() switch
            {
                "auto" => "auto",
                "required" => "any",
                _ => null,
            };
            if (kind is null) return;
            w.WritePropertyName("toolChoice");
            w.WriteStartObject();
            w.WriteStartObject(kind);
            w.WriteEndObject();
            w.WriteEndObject();
            return;
        }
        if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var fn) && fn.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
        {
            w.WritePropertyName("toolChoice");
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteString("name", n.GetString());
            w.WriteEndObject();
            w.WriteEndObject();
        }
    }
}
