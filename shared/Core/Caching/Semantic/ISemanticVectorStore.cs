namespace Gateway.Caching.Semantic;

/// <summary>A cached prompt's embedding as the store keeps it: the unit vector, the answer's cache key, and its lifetime.</summary>
public sealed record StoredVector(string CacheKey, float[] UnitVector, DateTimeOffset StoredAt, DateTimeOffset ExpiresAt);

/// <summary>
/// The semantic cache's prompt vectors in the gateway's store, next to the answers, so a new instance finds paraphrases of
/// what other instances cached. Vectors are kept as float16 (<see cref="HalfVectors"/>): 3 KB for 1,536 dimensions.
/// </summary>
public interface ISemanticVectorStore
{
    ValueTask AddAsync(string index, StoredVector vector, CancellationToken ct);

    /// <summary>The live vectors of <paramref name="index"/> stored after <paramref name="since"/>, newest first, at most <paramref name="max"/>.</summary>
    ValueTask<IReadOnlyList<StoredVector>> LoadAsync(string index, DateTimeOffset since, DateTimeOffset now, int max, CancellationToken ct);

    /// <summary>Deletes every vector (<c>/cache/flush</c>).</summary>
    ValueTask FlushAsync(CancellationToken ct);
}
