using System.Collections.Concurrent;
using Gateway.Pipeline;
using Microsoft.Extensions.Logging;

namespace Gateway.Caching.Semantic;

/// <summary>
/// <c>type: semantic</c>: when no cached answer matches a prompt exactly, the prompt is embedded and compared with the
/// prompts cached under the same settings (<see cref="CacheKey.ForSettings"/>); the closest one at or above
/// <c>similarity_threshold</c> answers. Chat and <c>/v1/messages</c> calls only (an embedding call has no prompt to paraphrase).
/// The vectors are also kept in the store (<see cref="ISemanticVectorStore"/>): an instance loads an index's vectors the
/// first time it searches it, then every <see cref="RefreshInterval"/> picks up those other instances added since.
/// </summary>
public sealed partial class SemanticCache(CacheSettings settings, PromptEmbedder embedder, SemanticIndex index, TimeProvider time,
    ILogger<SemanticCache> log, ISemanticVectorStore? vectors = null)
{
    public const string SimilarityHeader = "x-gateway-semantic-similarity";

    /// <summary>How stale an instance's copy of an index may be: what other instances cached shows up here within this.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    // Instances' clocks differ: a refresh reads back this far before the newest vector it has seen.
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Loaded> _loaded = new(StringComparer.Ordinal);

    public static bool Applies(CallKind kind) => kind is CallKind.ChatCompletion or CallKind.AnthropicMessages;

    /// <summary>Embeds the prompt (one priced embedding call) and finds its closest cached neighbour, if close enough.</summary>
    public async Task<(float[]? Vector, (string CacheKey, float Similarity)? Match)> FindAsync(ModelCall call, string settingsKey, DateTimeOffset now,
        CancellationToken ct)
    {
        var vector = await embedder.EmbedAsync(call, ct);
        if (vector is null) return (null, null);
        await LoadAsync(settingsKey, now, ct);
        return (vector, index.Search(settingsKey, vector, settings.SimilarityThreshold, now));
    }

    /// <summary>Keeps a newly cached prompt's vector here and in the store. A store that fails costs only other instances' paraphrase hits.</summary>
    public async Task RememberAsync(string settingsKey, float[] vector, string cacheKey, DateTimeOffset expires, CancellationToken ct)
    {
        index.Add(settingsKey, vector, cacheKey, expires);
        if (vectors is null) return;
        try
        {
            await vectors.AddAsync(settingsKey, new StoredVector(cacheKey, vector, time.GetUtcNow(), expires), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStoreFailed(e.GetType().Name);
        }
    }

    /// <summary><c>/cache/flush</c>: every vector, here and in the store.</summary>
    public async Task ForgetAsync(CancellationToken ct)
    {
        index.Clear();
        _loaded.Clear();
        if (vectors is not null) await vectors.FlushAsync(ct);
    }

    private async Task LoadAsync(string settingsKey, DateTimeOffset now, CancellationToken ct)
    {
        if (vectors is null) return;
        var state = _loaded.GetOrAdd(settingsKey, _ => new Loaded());
        if (!state.Due(now)) return;
        await state.Gate.WaitAsync(ct);
        try
        {
            if (!state.Due(now)) return;
            var since = state.Newest is { } newest ? newest - Skew : DateTimeOffset.MinValue;
            try
            {
                var found = await vectors.LoadAsync(settingsKey, since, now, settings.MaxSemanticEntries, ct);
                index.Merge(settingsKey, found);
                foreach (var v in found)
                    if (state.Newest is not { } n || v.StoredAt > n) state.Newest = v.StoredAt;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogStoreFailed(e.GetType().Name);
            }
            state.At = now; // also after a failure: the store is not asked again on every call
        }
        finally
        {
            state.Gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Semantic cache: the store's prompt vectors could not be read or written ({Error}); this instance searches what it has")]
    private partial void LogStoreFailed(string error);

    private sealed class Loaded
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public DateTimeOffset? At;
        public DateTimeOffset? Newest;

        public bool Due(DateTimeOffset now) => At is not { } at || now - at >= RefreshInterval || now < at;
    }
}
