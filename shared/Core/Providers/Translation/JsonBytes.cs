using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Providers.Translation;

/// <summary>Writes small JSON documents with <see cref="Utf8JsonWriter"/> (Native AOT: no reflection), relaxed escaping like the rest of the API.</summary>
public static class JsonBytes
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, Options)) write(w, state);
        return buffer.WrittenSpan.ToArray();
    }

    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int Int(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : 0;

    public static bool TryGet(JsonElement obj, string name, JsonValueKind kind, out JsonElement value)
    {
        value = default;
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind == kind;
    }

    /// <summary>The text of an OpenAI <c>content</c> value: a string, or the text parts of an array joined.</summary>
    public static string? Text(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String) return content.GetString();
        if (content.ValueKind != JsonValueKind.Array) return null;
        var parts = content.EnumerateArray().Where(p => String(p, "type") is "text" or null).Select(p => String(p, "text")).Where(t => t is not null);
        return string.Concat(parts);
    }

    /// <summary>Parses a tool call's <c>arguments</c> string; blank means no arguments. Throws a 400 naming <paramref name="param"/> when it is not a JSON object.</summary>
    public static JsonDocument Arguments(string? arguments, string param)
    {
        if (string.IsNullOrWhiteSpace(arguments)) return JsonDocument.Parse("{}");
        try
        {
            var doc = JsonDocument.Parse(arguments);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc;
            doc.Dispose();
        }
        catch (JsonException)
        {
        }
        throw Http.Errors.InvalidField(param, "expected a JSON object encoded as a string");
    }
}
