using System.Buffers;
using System.Text.Json;
using Gateway.Http;

namespace Gateway.Embeddings;

/// <summary>
/// Part of an embedding batch already known (a cache found some of its inputs): the upstream is asked only for the
/// <see cref="Missing"/> inputs, and the answer is put back together in the request's order.
/// </summary>
/// <param name="Known">Per input index, the known <c>embedding</c> value as raw JSON (a float array or a base64 string); empty where missing.</param>
/// <param name="Saved">What the known inputs cost when they were embedded.</param>
public sealed record KnownEmbeddings(ReadOnlyMemory<byte>[] Known, string Model, decimal Saved)
{
    public int[] Missing { get; } = Enumerable.Range(0, Known.Length).Where(i => Known[i].IsEmpty).ToArray();

    public int Hits => Known.Length - Missing.Length;

    /// <summary>The request body with <c>input</c> narrowed to the missing inputs, every other field as sent.</summary>
    public byte[] NarrowedBody(JsonElement root)
    {
        var inputs = root.GetProperty("input");
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var p in root.EnumerateObject())
            {
                if (!p.NameEquals("input"))
                {
                    p.WriteTo(w);
                    continue;
                }
                w.WritePropertyName("input");
                w.WriteStartArray();
                foreach (var i in Missing) inputs[i].WriteTo(w);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The whole answer: the upstream's vectors for the missing inputs (its <c>data</c> by index) among the known ones, with its usage.</summary>
    public byte[] Merge(ReadOnlySpan<byte> upstream)
    {
        using var doc = JsonDocument.Parse(upstream.ToArray());
        var root = doc.RootElement;
        var answered = new ReadOnlyMemory<byte>[Known.Length];
        Array.Copy(Known, answered, Known.Length);
        foreach (var item in root.GetProperty("data").EnumerateArray())
        {
            var j = item.TryGetProperty("index", out var ix) && ix.TryGetInt32(out var n) ? n : -1;
            if (j < 0 || j >= Missing.Length || !item.TryGetProperty("embedding", out var e))
                throw new GatewayException(502, "api_error", "The upstream's embeddings answer does not match the inputs sent.", "bad_upstream_response");
            answered[Missing[j]] = System.Text.Encoding.UTF8.GetBytes(e.GetRawText());
        }
        if (answered.Any(a => a.IsEmpty))
            throw new GatewayException(502, "api_error", "The upstream's embeddings answer left out some inputs.", "bad_upstream_response");
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : Model;
        return Write(answered, model, root.TryGetProperty("usage", out var u) ? u : null);
    }

    /// <summary>Every input known: the answer with no upstream call (zero usage).</summary>
    public byte[] Complete() => Write(Known, Model, null);

    private static byte[] Write(ReadOnlyMemory<byte>[] vectors, string model, JsonElement? usage)
    {
        var buffer = new ArrayBufferWriter<byte>(vectors.Sum(v => v.Length) + 128 + vectors.Length * 48);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            for (var i = 0; i < vectors.Length; i++)
            {
                w.WriteStartObject();
                w.WriteString("object", "embedding");
                w.WriteNumber("index", i);
                w.WritePropertyName("embedding");
                w.WriteRawValue(vectors[i].Span, skipInputValidation: true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("model", model);
            w.WritePropertyName("usage");
            if (usage is { } u) u.WriteTo(w);
            else
            {
                w.WriteStartObject();
                w.WriteNumber("prompt_tokens", 0);
                w.WriteNumber("total_tokens", 0);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
