namespace Gateway.Caching;

/// <summary>
/// <c>type: local</c>: answers in this instance's memory, least recently used first out, bounded by count and by bytes.
/// Also the memory front of the store-backed cache. One lock: every operation is a dictionary lookup and a list move.
/// </summary>
public sealed class LocalResponseCache(int maxEntries, long maxBytes) : IResponseCacheStore
{
    private readonly Dictionary<string, LinkedListNode<(string Key, CacheEntry Entry)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, CacheEntry Entry)> _order = new();
    private readonly Lock _lock = new();
    private long _bytes;

    public string Name => "local";

    public int Count
    {
        get
        {
            lock (_lock) return _map.Count;
        }
    }

    public long Bytes
    {
        get
        {
            lock (_lock) return _bytes;
        }
    }

    public ValueTask<CacheEntry?> GetAsync(string key, DateTimeOffset now, CancellationToken ct) => ValueTask.FromResult(Get(key, now));

    public CacheEntry? Get(string key, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_map.TryGetValue(key, out var node)) return null;
            if (!node.Value.Entry.IsFresh(now))
            {
                Remove(node);
                return null;
            }
            _order.Remove(node);
            _order.AddFirst(node);
            return node.Value.Entry;
        }
    }

    public ValueTask SetAsync(string key, CacheEntry entry, CancellationToken ct)
    {
        Set(key, entry);
        return ValueTask.CompletedTask;
    }

    public void Set(string key, CacheEntry entry)
    {
        if (entry.Body.Length > maxBytes || maxEntries <= 0) return;
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var old)) Remove(old);
            var node = _order.AddFirst((key, entry));
            _map[key] = node;
            _bytes += entry.Body.Length;
            while (_map.Count > maxEntries || _bytes > maxBytes) Remove(_order.Last!);
        }
    }

    public ValueTask<int> DeleteAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        var removed = 0;
        lock (_lock)
            foreach (var key in keys)
                if (_map.TryGetValue(key, out var node))
                {
                    Remove(node);
                    removed++;
                }
        return ValueTask.FromResult(removed);
    }

    public ValueTask FlushAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            _map.Clear();
            _order.Clear();
            _bytes = 0;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> PingAsync(CancellationToken ct) => ValueTask.FromResult(true);

    private void Remove(LinkedListNode<(string Key, CacheEntry Entry)> node)
    {
        _order.Remove(node);
        _map.Remove(node.Value.Key);
        _bytes -= node.Value.Entry.Body.Length;
    }
}
