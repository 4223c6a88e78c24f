using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Config;
using Gateway.Embeddings;
using Gateway.Http;

namespace Gateway.Providers.Bedrock.Embeddings;

/// <summary>
/// <c>/v1/embeddings</c> through InvokeModel. Titan Text Embeddings takes one text per call, so each input is its own
/// call; Cohere Embed takes the whole list in one. Answers are written in OpenAI's list shape with token usage
/// (Titan's <c>inputTextTokenCount</c>, Cohere's <c>X-Amzn-Bedrock-Input-Token-Count</c> header).
/// </summary>
public static class BedrockEmbeddings
{
    public delegate Task<HttpRequestMessage> SignedRequest(byte[] body, CancellationToken ct);

    public static async Task<UpstreamResult> EmbedAsync(EmbeddingsCall call, DeploymentConfig d, SignedRequest build, UpstreamClient client, CancellationToken ct)
    {
        var root = call.Request.Root;
        var texts = Inputs(root);
        var dimensions = root.TryGetProperty("dimensions", out var dim) && dim.ValueKind == JsonValueKind.Number ? dim.GetInt32() : (int?)null;
        var vectors = new List<float[]>(texts.Count);
        var tokens = 0;
        if (d.UpstreamModel.Contains("cohere.embed", StringComparison.Ordinal))
        {
            var inputType = root.TryGetProperty("input_type", out var it) && it.ValueKind == JsonValueKind.String ? it.GetString()! : "search_document";
            var (body, headerTokens) = await InvokeAsync(build(EmbeddingBodies.Cohere(texts, inputType), ct), d, call, client, ct);
            tokens += headerTokens;
            EmbeddingBodies.ReadCohere(body, vectors, d.Label);
        }
        else
        {
            foreach (var text in texts)
            {
                var (body, headerTokens) = await InvokeAsync(build(EmbeddingBodies.Titan(text, dimensions), ct), d, call, client, ct);
                var (vector, count) = EmbeddingBodies.ReadTitan(body, d.Label);
                vectors.Add(vector);
                tokens += count ?? headerTokens;
            }
        }
        var base64 = root.TryGetProperty("encoding_format", out var f) && f.ValueEquals("base64");
        return new UpstreamResult(Write(vectors, d.UpstreamModel, tokens, base64), new TokenUsage(tokens, 0, tokens));
    }

    private static List<string> Inputs(JsonElement root)
    {
        var input = root.GetProperty("input");
        if (input.ValueKind == JsonValueKind.String) return [input.GetString()!];
        var list = new List<string>();
        var i = 0;
        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                throw Errors.InvalidField($"input[{i}]", "Bedrock embedding models take text only, not token arrays");
            list.Add(item.GetString()!);
            i++;
        }
        return list;
    }

    private static async Task<(byte[] Body, int HeaderTokens)> InvokeAsync(Task<HttpRequestMessage> pending, DeploymentConfig d, EmbeddingsCall call, UpstreamClient client, CancellationToken ct)
    {
        using var request = await pending;
        await using var upstream = await client.OpenStreamAsync(request, d, call.Timing, ct);
        var tokens = upstream.Response.Headers.TryGetValues("X-Amzn-Bedrock-Input-Token-Count", out var values) && int.TryParse(values.FirstOrDefault(), out var n) ? n : 0;
        try
        {
            call.Timing.UpstreamStarted();
            return (await upstream.ReadToEndAsync(ct), tokens);
        }
        finally
        {
            call.Timing.UpstreamEnded();
        }
    }

    private static byte[] Write(List<float[]> vectors, string model, int tokens, bool base64)
    {
        var buffer = new ArrayBufferWriter<byte>(vectors.Count * 8192 + 256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            for (var i = 0; i < vectors.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("object", "embedding");
                w.WriteNumber("index", i);
                if (base64) w.WriteBase64String("embedding", MemoryMarshal.AsBytes(vectors[i].AsSpan()));
                else
                {
                    w.WriteStartArray("embedding");
                    foreach (var x in vectors[i]) w.WriteNumberValue(x);
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
        return buffer.WrittenSpan.ToArray();
    }
}
