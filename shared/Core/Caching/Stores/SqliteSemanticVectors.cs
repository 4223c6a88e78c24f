using Gateway.Caching.Semantic;
using Gateway.Stores.Sqlite;

namespace Gateway.Caching.Stores;

/// <summary>Prompt vectors in the embedded database (<c>semantic_vectors</c>, one row per index and cache key); every 256th write sweeps expired rows.</summary>
public sealed class SqliteSemanticVectors(string path) : ISemanticVectorStore
{
    private readonly SqliteDatabase _db = SqliteDatabase.At(path);
    private int _writes;

    public async ValueTask AddAsync(string index, StoredVector v, CancellationToken ct)
    {
        var sweep = Interlocked.Increment(ref _writes) % 256 == 0;
        await _db.WriteAsync(async (c, tx) =>
        {
            await SqliteDatabase.ExecAsync(c, tx,
                "INSERT OR REPLACE INTO semantic_vectors(idx, key, vector, stored_ms, expires_ms) VALUES($a,$b,$c,$d,$e)", ct,
                index, v.CacheKey, HalfVectors.Encode(v.UnitVector), v.StoredAt.ToUnixTimeMilliseconds(), v.ExpiresAt.ToUnixTimeMilliseconds());
            if (sweep)
                await SqliteDatabase.ExecAsync(c, tx,
                    "DELETE FROM semantic_vectors WHERE rowid IN (SELECT rowid FROM semantic_vectors WHERE expires_ms <= $a LIMIT 1000)", ct,
                    v.StoredAt.ToUnixTimeMilliseconds());
            return 0;
        }, ct);
    }

    public async ValueTask<IReadOnlyList<StoredVector>> LoadAsync(string index, DateTimeOffset since, DateTimeOffset now, int max, CancellationToken ct)
    {
        await using var c = await _db.OpenAsync(ct);
        await using var cmd = SqliteDatabase.Command(c, null,
            "SELECT key, vector, stored_ms, expires_ms FROM semantic_vectors WHERE idx=$a AND stored_ms > $b AND expires_ms > $c ORDER BY stored_ms DESC LIMIT $d",
            index, since.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), max);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<StoredVector>();
        while (await r.ReadAsync(ct))
            if (HalfVectors.DecodeUnit((byte[])r.GetValue(1)) is { } unit)
                list.Add(new StoredVector(r.GetString(0), unit, DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))));
        return list;
    }

    public async ValueTask FlushAsync(CancellationToken ct) =>
        await _db.WriteAsync((c, tx) => SqliteDatabase.ExecAsync(c, tx, "DELETE FROM semantic_vectors", ct), ct);
}
