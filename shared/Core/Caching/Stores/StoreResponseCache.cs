namespace Gateway.Caching.Stores;

/// <summary>
/// <c>type: store</c>: answers live in the gateway's store, shared by every instance, behind a small in-memory front so
/// a hot entry costs no round trip. A front entry is kept at most <see cref="FrontLifetime"/>, which bounds how long an
/// instance may still serve an answer another instance deleted or flushed.
/// </summary>
public sealed class StoreResponseCache(IResponseCacheStore remote, LocalResponseCache front, TimeProvider time) : IResponseCacheStore
{
    public static readonly TimeSpan FrontLifetime = TimeSpan.FromSeconds(30);

    public string Name => remote.Name;

    public async ValueTask<CacheEntry?> GetAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        if (front.Get(key, now) is { } hot) return hot;
        if (await remote.GetAsync(key, now, ct) is not { } entry) return null;
        Remember(key, entry);
        return entry;
    }

    public async ValueTask SetAsync(string key, CacheEntry entry, CancellationToken ct)
    {
        await remote.SetAsync(key, entry, ct);
        Remember(key, entry);
    }

    public async ValueTask<int> DeleteAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        await front.DeleteAsync(keys, ct);
        return await remote.DeleteAsync(keys, ct);
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await front.FlushAsync(ct);
        await remote.FlushAsync(ct);
    }

    public ValueTask<bool> PingAsync(CancellationToken ct) => remote.PingAsync(ct);

    private void Remember(string key, CacheEntry entry)
    {
        var until = time.GetUtcNow() + FrontLifetime;
        front.Set(key, entry.ExpiresAt <= until ? entry : entry with { ExpiresAt = until });
    }
}
