namespace Gateway.Caching;

/// <summary>Where cached answers are kept, by cache key. Expired entries are never returned.</summary>
public interface IResponseCacheStore
{
    /// <summary>What <c>/cache/ping</c> reports: <c>local</c>, <c>sqlite</c>, <c>tables</c>, <c>dynamodb</c>.</summary>
    string Name { get; }

    ValueTask<CacheEntry?> GetAsync(string key, DateTimeOffset now, CancellationToken ct);

    ValueTask SetAsync(string key, CacheEntry entry, CancellationToken ct);

    /// <summary>Removes the entries; returns how many were there.</summary>
    ValueTask<int> DeleteAsync(IReadOnlyList<string> keys, CancellationToken ct);

    ValueTask FlushAsync(CancellationToken ct);

    /// <summary>True when the store answers (a round trip for a remote store).</summary>
    ValueTask<bool> PingAsync(CancellationToken ct);
}
