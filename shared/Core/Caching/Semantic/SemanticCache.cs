using Gateway.Pipeline;

namespace Gateway.Caching.Semantic;

/// <summary>
/// <c>type: semantic</c>: when no cached answer matches a prompt exactly, the prompt is embedded and compared with the
/// prompts cached under the same settings (<see cref="CacheKey.ForSettings"/>); the closest one at or above
/// <c>similarity_threshold</c> answers. Chat and <c>/v1/messages</c> calls only (an embedding call has no prompt to paraphrase).
/// </summary>
public sealed class SemanticCache(CacheSettings settings, PromptEmbedder embedder, SemanticIndex index)
{
    public const string SimilarityHeader = "x-gateway-semantic-similarity";

    public static bool Applies(CallKind kind) => kind is CallKind.ChatCompletion or CallKind.AnthropicMessages;

    /// <summary>Embeds the prompt (one priced embedding call) and finds its closest cached neighbour, if close enough.</summary>
    public async Task<(float[]? Vector, (string CacheKey, float Similarity)? Match)> FindAsync(ModelCall call, string settingsKey, DateTimeOffset now,
        CancellationToken ct)
    {
        var vector = await embedder.EmbedAsync(call, ct);
        return vector is null ? (null, null) : (vector, index.Search(settingsKey, vector, settings.SimilarityThreshold, now));
    }

    public void Remember(string settingsKey, float[] vector, string cacheKey, DateTimeOffset expires) => index.Add(settingsKey, vector, cacheKey, expires);

    public void Forget() => index.Clear();
}
