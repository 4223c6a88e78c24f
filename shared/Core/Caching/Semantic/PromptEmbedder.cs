using System.Text;
using System.Text.Json;
using Gateway.Embeddings;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Providers.Translation;
using Gateway.Routing;
using Gateway.Spend;

namespace Gateway.Caching.Semantic;

/// <summary>
/// Embeds a call's prompt with <c>semantic_cache_embedding_model</c>: routed, priced and recorded like any embedding
/// call (its own spend event, with the caller's key and the call's trace id). A failed embedding is recorded as a
/// failed call and leaves the semantic lookup out; it never fails the call itself.
/// </summary>
public sealed class PromptEmbedder(CacheSettings settings, ModelRouter router, SpendRecorder spend)
{
    public async Task<float[]?> EmbedAsync(ModelCall call, CancellationToken ct)
    {
        var text = Text(call.Request.Root);
        if (text.Length == 0 || settings.EmbeddingModel is not { } model) return null;
        var group = router.Resolve(model);
        var body = JsonBytes.Write((model, text), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("model", s.model);
            w.WriteString("input", s.text);
            w.WriteEndObject();
        });
        using var request = EmbeddingsRequest.Parse(body);
        var timing = new GatewayRequestFeature();
        var record = spend.Start(timing, call.Caller, CallKind.Embedding, request, body, call.Record?.TraceId ?? call.Timing.RequestId);
        try
        {
            // Routed like any call to that group (strategy, retries, cooldowns, its fallbacks the caller may reach).
            var plan = router.Plan(group, request, call.Caller, []);
            var result = await router.RunAsync(plan, router.NewTrace(record), d => d.Embeddings is { } e
                ? e.EmbedAsync(new EmbeddingsCall(request, d.Config, timing), ct)
                : throw Errors.BadRequest($"The model '{model}' does not serve embeddings.", "model", "model_not_supported"), ct);
            await record.EmitAsync(result.Usage);
            return Vector(result.Body.Span);
        }
        catch (GatewayException e)
        {
            await record.EmitAsync(null, error: e);
            return null;
        }
    }

    /// <summary>The prompt's text: the system prompt and each message's text parts, one line per turn, role first.</summary>
    public static string Text(JsonElement root)
    {
        var sb = new StringBuilder();
        if (root.TryGetProperty("system", out var system) && JsonBytes.Text(system) is { Length: > 0 } s) sb.Append("system: ").Append(s).Append('\n');
        if (JsonBytes.TryGet(root, "messages", JsonValueKind.Array, out var messages))
            foreach (var m in messages.EnumerateArray())
                if (m.TryGetProperty("content", out var content) && JsonBytes.Text(content) is { Length: > 0 } t)
                    sb.Append(JsonBytes.String(m, "role") ?? "user").Append(": ").Append(t).Append('\n');
        return sb.ToString();
    }

    /// <summary>The first embedding of an OpenAI-format answer, as a unit vector; null when there is none.</summary>
    private static float[]? Vector(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        using var doc = JsonDocument.ParseValue(ref reader);
        if (!JsonBytes.TryGet(doc.RootElement, "data", JsonValueKind.Array, out var data) || data.GetArrayLength() == 0) return null;
        if (!JsonBytes.TryGet(data[0], "embedding", JsonValueKind.Array, out var embedding)) return null;
        var v = new float[embedding.GetArrayLength()];
        var i = 0;
        foreach (var x in embedding.EnumerateArray()) v[i++] = x.GetSingle();
        return SemanticIndex.Normalize(v);
    }
}
