using System.Buffers;
using System.Text.Json;
using Gateway.Http;

namespace Gateway.Providers.Bedrock.Embeddings;

/// <summary>The InvokeModel request and response bodies of Titan Text Embeddings v2 and Cohere Embed.</summary>
internal static class EmbeddingBodies
{
    /// <summary><c>{"inputText", "dimensions"?, "normalize": true}</c></summary>
    public static byte[] Titan(string text, int? dimensions) => Json(w =>
    {
        w.WriteString("inputText", text);
        if (dimensions is { } n) w.WriteNumber("dimensions", n);
        w.WriteBoolean("normalize", true);
    });

    /// <summary><c>{"texts": [...], "input_type"}</c></summary>
    public static byte[] Cohere(List<string> texts, string inputType) => Json(w =>
    {
        w.WriteStartArray("texts");
        foreach (var t in texts) w.WriteStringValue(t);
        w.WriteEndArray();
        w.WriteString("input_type", inputType);
    });

    /// <summary><c>{"embedding": [...], "inputTextTokenCount": n}</c></summary>
    public static (float[] Vector, int? Tokens) ReadTitan(byte[] body, string label)
    {
        using var doc = Parse(body, label);
        var root = doc.RootElement;
        if (!root.TryGetProperty("embedding", out var e) || e.ValueKind != JsonValueKind.Array)
            throw Errors.UpstreamProtocol(label, "the Titan answer has no 'embedding' array");
        var tokens = root.TryGetProperty("inputTextTokenCount", out var c) && c.TryGetInt32(out var n) ? n : (int?)null;
        return (Floats(e), tokens);
    }

    /// <summary><c>{"embeddings": [[...]]}</c>, or <c>{"embeddings": {"float": [[...]]}}</c> when embedding types were asked for.</summary>
    public static void ReadCohere(byte[] body, List<float[]> into, string label)
    {
        using var doc = Parse(body, label);
        if (!doc.RootElement.TryGetProperty("embeddings", out var e))
            throw Errors.UpstreamProtocol(label, "the Cohere answer has no 'embeddings'");
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("float", out var f)) e = f;
        if (e.ValueKind != JsonValueKind.Array) throw Errors.UpstreamProtocol(label, "the Cohere 'embeddings' is not an array");
        foreach (var v in e.EnumerateArray()) into.Add(Floats(v));
    }

    private static float[] Floats(JsonElement array)
    {
        var result = new float[array.GetArrayLength()];
        var i = 0;
        foreach (var x in array.EnumerateArray()) result[i++] = x.GetSingle();
        return result;
    }

    private static JsonDocument Parse(byte[] body, string label)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw Errors.UpstreamProtocol(label, "the embedding answer is not JSON: " + e.Message);
        }
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
