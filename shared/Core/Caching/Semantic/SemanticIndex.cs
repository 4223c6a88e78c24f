using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace Gateway.Caching.Semantic;

/// <summary>
/// The prompts this instance has cached answers for, per semantic index (model group, namespace, scope and every
/// setting but the prompt), as unit vectors. A search is a brute-force dot product over one index with SIMD
/// (<see cref="TensorPrimitives"/>); each index holds at most <c>maxEntries</c> prompts, the oldest dropped first.
/// Brute force costs about one multiply-add per dimension per entry: see docs/performance.md for measured times.
/// </summary>
public sealed class SemanticIndex(int maxEntries)
{
    private readonly ConcurrentDictionary<string, Shelf> _shelves = new(StringComparer.Ordinal);

    public void Add(string index, float[] unitVector, string cacheKey, DateTimeOffset expires)
    {
        var shelf = _shelves.GetOrAdd(index, _ => new Shelf());
        lock (shelf)
        {
            shelf.Entries.RemoveAll(e => e.CacheKey == cacheKey);
            if (shelf.Entries.Count >= maxEntries) shelf.Entries.RemoveAt(0);
            shelf.Entries.Add(new Entry(unitVector, cacheKey, expires));
        }
    }

    /// <summary>Adds vectors read from the store that this index does not hold yet, newest last; the oldest go past the bound.</summary>
    public void Merge(string index, IReadOnlyList<StoredVector> vectors)
    {
        if (vectors.Count == 0) return;
        var shelf = _shelves.GetOrAdd(index, _ => new Shelf());
        lock (shelf)
        {
            var held = shelf.Entries.Select(e => e.CacheKey).ToHashSet(StringComparer.Ordinal);
            foreach (var v in vectors.OrderBy(v => v.StoredAt))
                if (held.Add(v.CacheKey)) shelf.Entries.Add(new Entry(v.UnitVector, v.CacheKey, v.ExpiresAt));
            if (shelf.Entries.Count > maxEntries) shelf.Entries.RemoveRange(0, shelf.Entries.Count - maxEntries);
        }
    }

    /// <summary>The cached prompt most similar to <paramref name="unitVector"/> at or above <paramref name="threshold"/>, if any.</summary>
    public (string CacheKey, float Similarity)? Search(string index, float[] unitVector, double threshold, DateTimeOffset now)
    {
        if (!_shelves.TryGetValue(index, out var shelf)) return null;
        Entry[] entries;
        lock (shelf) entries = [.. shelf.Entries];
        string? best = null;
        var bestScore = float.MinValue;
        foreach (var e in entries)
        {
            if (e.Vector.Length != unitVector.Length || e.Expires <= now) continue;
            var score = TensorPrimitives.Dot(e.Vector, unitVector);
            if (score > bestScore)
            {
                bestScore = score;
                best = e.CacheKey;
            }
        }
        return best is not null && bestScore >= threshold ? (best, bestScore) : null;
    }

    public void Clear() => _shelves.Clear();

    /// <summary>Scales a vector to unit length (so a dot product is the cosine similarity); null for a zero vector.</summary>
    public static float[]? Normalize(float[] v)
    {
        var norm = TensorPrimitives.Norm(v);
        if (norm == 0 || float.IsNaN(norm)) return null;
        var unit = new float[v.Length];
        TensorPrimitives.Divide(v, norm, unit);
        return unit;
    }

    private sealed class Shelf
    {
        public readonly List<Entry> Entries = [];
    }

    private sealed record Entry(float[] Vector, string CacheKey, DateTimeOffset Expires);
}
