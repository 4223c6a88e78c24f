using System.Text.Json;

namespace Gateway.Providers.Gemini;

/// <summary>
/// Rewrites a JSON Schema into the OpenAPI subset Gemini's <c>parameters</c> and <c>responseSchema</c> accept.
/// Keywords outside the subset (<c>additionalProperties</c>, <c>$schema</c>, <c>default</c>, <c>examples</c>, <c>strict</c>, ...)
/// are removed, since Gemini rejects the whole request over them; <c>"type": ["x","null"]</c> becomes <c>type</c> +
/// <c>nullable</c>, <c>const</c> becomes a one-value <c>enum</c>, and <c>oneOf</c> becomes <c>anyOf</c>.
/// </summary>
public static class GeminiSchema
{
    private static readonly HashSet<string> Kept =
    [
        "type", "format", "title", "description", "nullable", "enum", "items", "minItems", "maxItems",
        "minimum", "maximum", "minLength", "maxLength", "pattern", "minProperties", "maxProperties", "required",
        "properties", "propertyOrdering", "anyOf",
    ];

    public static void Write(Utf8JsonWriter w, JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            schema.WriteTo(w);
            return;
        }
        w.WriteStartObject();
        foreach (var p in schema.EnumerateObject())
        {
            var name = p.Name;
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

    /// <summary>Gemini rejects an OBJECT parameter schema with no properties; such a function is declared without parameters.</summary>
    public static bool HasProperties(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.EnumerateObject().Any();
}
