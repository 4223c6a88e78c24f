using System.Text.Json;

namespace Gateway.Providers.Gemini;

/// <summary>
/// Rewrites a JSON Schema into the OpenAPI subset Gemini's <c>parameters</c> and <c>responseSchema</c> accept.
/// Keywords outside the subset (<c>additionalProperties</c>, <c>$schema</c>, <c>default</c>, <c>examples</c>, <c>strict</c>, ...)
/// are removed, since Gemini rejects the whole request over them; <c>"type": ["x","null"]</c> becomes <c>type</c> +
/// <c>nullable</c>, <c>const</c> becomes a one-value <c>enum</c>, and <c>oneOf</c> becomes <c>anyOf</c>. Gemini takes <c>enum</c>
/// only on strings ("enum: only allowed for STRING type"): an enum of numbers or booleans is dropped and its values are
/// named in the description instead, so the model still sees them and the tool still gets numbers. A <c>format</c> Gemini
/// does not know for the type (agents send <c>uri</c>, <c>email</c>, <c>uuid</c>) is dropped the same way.
/// </summary>
public static class GeminiSchema
{
    private static readonly HashSet<string> Kept =
    [
        "type", "format", "title", "description", "nullable", "enum", "items", "minItems", "maxItems",
        "minimum", "maximum", "minLength", "maxLength", "pattern", "minProperties", "maxProperties", "required",
        "properties", "propertyOrdering", "anyOf",
    ];

    // The formats Gemini accepts, by type; any other is refused.
    private static readonly Dictionary<string, string[]> Formats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["string"] = ["enum", "date-time"],
        ["integer"] = ["int32", "int64"],
        ["number"] = ["float", "double"],
    };

    public static void Write(Utf8JsonWriter w, JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            schema.WriteTo(w);
            return;
        }
        var allowed = NonStringEnum(schema);
        var type = TypeOf(schema);
        w.WriteStartObject();
        if (allowed is not null)
        {
            var description = schema.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() + " " : "";
            w.WriteString("description", description + "Allowed values: " + allowed + ".");
        }
        foreach (var p in schema.EnumerateObject())
        {
            var name = p.Name;
            if (allowed is not null && name is "enum" or "const" or "description") continue;
            if (name == "format" && !(p.Value.ValueKind == JsonValueKind.String && type is not null
                && Formats.TryGetValue(type, out var known) && known.Contains(p.Value.GetString(), StringComparer.OrdinalIgnoreCase))) continue;
            if (name == "type" && p.Value.ValueKind == JsonValueKind.Array)
            {
                var types = p.Value.EnumerateArray().Select(t => t.GetString()).ToList();
                var real = types.FirstOrDefault(t => t != "null");
                if (real is not null) w.WriteString("type", real);
                if (types.Contains("null")) w.WriteBoolean("nullable", true);
                continue;
            }
            if (name == "const")
            {
                w.WriteStartArray("enum");
                p.Value.WriteTo(w);
                w.WriteEndArray();
                continue;
            }
            if (name == "oneOf") name = "anyOf";
            if (!Kept.Contains(name)) continue;
            w.WritePropertyName(name);
            switch (name)
            {
                case "properties" when p.Value.ValueKind == JsonValueKind.Object:
                    w.WriteStartObject();
                    foreach (var prop in p.Value.EnumerateObject())
                    {
                        w.WritePropertyName(prop.Name);
                        Write(w, prop.Value);
                    }
                    w.WriteEndObject();
                    break;
                case "items":
                    Write(w, p.Value);
                    break;
                case "anyOf" when p.Value.ValueKind == JsonValueKind.Array:
                    w.WriteStartArray();
                    foreach (var s in p.Value.EnumerateArray()) Write(w, s);
                    w.WriteEndArray();
                    break;
                default:
                    p.Value.WriteTo(w);
                    break;
            }
        }
        w.WriteEndObject();
    }

    /// <summary>The schema's one non-null type, when it names one.</summary>
    private static string? TypeOf(JsonElement schema) => !schema.TryGetProperty("type", out var t) ? null : t.ValueKind switch
    {
        JsonValueKind.String => t.GetString(),
        JsonValueKind.Array => t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()).FirstOrDefault(x => x != "null"),
        _ => null,
    };

    /// <summary>The values of an <c>enum</c> (or <c>const</c>) that holds anything but strings, as text; null when it holds only strings.</summary>
    private static string? NonStringEnum(JsonElement schema)
    {
        JsonElement[] values = schema.TryGetProperty("enum", out var e) && e.ValueKind == JsonValueKind.Array ? [.. e.EnumerateArray()]
            : schema.TryGetProperty("const", out var c) ? [c]
            : [];
        if (values.Length == 0 || values.All(v => v.ValueKind == JsonValueKind.String)) return null;
        return string.Join(", ", values.Select(v => v.GetRawText()));
    }

    /// <summary>Gemini rejects an OBJECT parameter schema with no properties; such a function is declared without parameters.</summary>
    public static bool HasProperties(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.EnumerateObject().Any();
}
