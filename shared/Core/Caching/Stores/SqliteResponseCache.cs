using Gateway.Stores.Sqlite;

namespace Gateway.Caching.Stores;

/// <summary>
/// Cached answers in the embedded database (<c>response_cache</c>, one row per key). An expired row is never read; every
/// 256th write also deletes up to 1,000 expired rows, so the table does not grow past what is live.
/// </summary>
public sealed class SqliteResponseCache(string path) : IResponseCacheStore
{
    private readonly SqliteDatabase _db = SqliteDatabase.At(path);
    private int _writes;

    public string Name => "sqlite";

    public async ValueTask<CacheEntry?> GetAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenAsync(ct);
        await using var cmd = SqliteDatabase.Command(c, null,
            "SELECT body, stored_ms, expires_ms, cost FROM response_cache WHERE key=$a AND expires_ms > $b", key, now.ToUnixTimeMilliseconds());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new CacheEntry((byte[])r.GetValue(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), Money.FromNanos(r.GetInt64(3)));
    }

    public async ValueTask SetAsync(string key, CacheEntry entry, CancellationToken ct)
    {
        var sweep = Interlocked.Increment(ref _writes) % 256 == 0;
        await _db.WriteAsync(async (c, tx) =>
        {
            await SqliteDatabase.ExecAsync(c, tx, "INSERT OR REPLACE INTO response_cache(key, body, stored_ms, expires_ms, cost) VALUES($a,$b,$c,$d,$e)", ct,
                key, entry.Body, entry.StoredAt.ToUnixTimeMilliseconds(), entry.ExpiresAt.ToUnixTimeMilliseconds(), Money.ToNanos(entry.Cost));
            if (sweep)
                await SqliteDatabase.ExecAsync(c, tx, "DELETE FROM response_cache WHERE key IN (SELECT key FROM response_cache WHERE expires_ms <= $a LIMIT 1000)", ct,
                    entry.StoredAt.ToUnixTimeMilliseconds());
            return 0;
        }, ct);
    }

    public async ValueTask<int> DeleteAsync(IReadOnlyList<string> keys, CancellationToken ct) => await _db.WriteAsync(async (c, tx) =>
    {
        var n = 0;
        foreach (var key in keys) n += await SqliteDatabase.ExecAsync(c, tx, "DELETE FROM response_cache WHERE key=$a", ct, key);
        return n;
    }, ct);

    public async ValueTask FlushAsync(CancellationToken ct) =>
        await _db.WriteAsync((c, tx) => SqliteDatabase.ExecAsync(c, tx, "DELETE FROM response_cache", ct), ct);

    public async ValueTask<bool> PingAsync(CancellationToken ct)
    {
        await using var c = await _db.OpenAsync(ct);
        await using var cmd = SqliteDatabase.Command(c, null, "SELECT COUNT(*) FROM response_cache WHERE key=''");
        await cmd.ExecuteScalarAsync(ct);
        return true;
    }
}
