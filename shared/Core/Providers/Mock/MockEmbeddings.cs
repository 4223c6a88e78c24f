using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Embeddings;

namespace Gateway.Providers.Mock;

/// <summary>Deterministic unit vectors derived from each input's hash, as floats or base64 like OpenAI's.</summary>
internal static class MockEmbeddings
{
    private const int DefaultDimensions = 256;

    public static (byte[] Body, TokenUsage Usage) Write(EmbeddingsRequest request, string model)
    {
        var root = request.Root;
        var inputs = Inputs(root.GetProperty("input"));
        var dims = root.TryGetProperty("dimensions", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : DefaultDimensions;
        var base64 = root.TryGetProperty("encoding_format", out var f) && f.ValueKind == JsonValueKind.String && f.ValueEquals("base64");
        var tokens = inputs.Sum(Tokens.Estimate);

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            for (var i = 0; i < inputs.Count; i++)
            {
                var vector = Vector(inputs[i], dims);
                w.WriteStartObject();
                w.WriteString("object", "embedding");
                w.WriteNumber("index", i);
                if (base64) w.WriteBase64String("embedding", MemoryMarshal.AsBytes(vector.AsSpan()));
                else
                {
                    w.WriteStartArray("embedding");
                    foreach (var x in vector) w.WriteNumberValue(x);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("model", model);
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", tokens);
            w.WriteNumber("total_tokens", tokens);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return (buffer.WrittenSpan.ToArray(), new TokenUsage(tokens, 0, tokens));
    }

    private static List<string> Inputs(JsonElement input) => input.ValueKind == JsonValueKind.String
        ? [input.GetString()!]
        : input.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToList();

    private static float[] Vector(string text, int dims)
    {
        var v = new float[dims];
        Span<byte> seed = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), seed);
        var rng = new Random(BitConverter.ToInt32(seed));
        double norm = 0;
        for (var i = 0; i < dims; i++)
        {
            v[i] = (float)(rng.NextDouble() * 2 - 1);
            norm += v[i] * v[i];
        }
        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dims; i++) v[i] *= scale;
        return v;
    }
}
