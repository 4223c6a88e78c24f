using System.Collections.Concurrent;

namespace Gateway.Keys;

/// <summary>
/// Remembers for a few seconds that a key hash is not in the store, so a client hammering with a wrong or made-up key
/// costs one store read per window, not one per request. Bounded in entries: when full, expired entries go first, and
/// if none have expired the whole set is dropped (an attacker cycling through fresh keys then costs reads again, but
/// never memory).
/// </summary>
public sealed class UnknownKeyCache(TimeProvider time, TimeSpan ttl, int capacity = UnknownKeyCache.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);

    public int Count => _until.Count;

    public bool IsKnownUnknown(string hash) => _until.TryGetValue(hash, out var until) && until > time.GetUtcNow();

    public void Add(string hash)
    {
        var now = time.GetUtcNow();
        if (_until.Count >= capacity)
        {
            foreach (var (h, until) in _until)
                if (until <= now) _until.TryRemove(h, out _);
            if (_until.Count >= capacity) _until.Clear();
        }
        _until[hash] = now + ttl;
    }

    public void Remove(string hash) => _until.TryRemove(hash, out _);
}
