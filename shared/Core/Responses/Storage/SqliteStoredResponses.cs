using Gateway.Stores.Sqlite;

namespace Gateway.Responses.Storage;

/// <summary>Kept responses in the embedded database (<c>stored_responses</c>); every 256th write also deletes up to 1,000 expired rows.</summary>
public sealed class SqliteStoredResponses(string path) : IStoredResponses
{
    private readonly SqliteDatabase _db = SqliteDatabase.At(path);
    private int _writes;

    public int MaxDocumentBytes => int.MaxValue;

    public async ValueTask PutAsync(StoredResponse r, CancellationToken ct)
    {
        var sweep = Interlocked.Increment(ref _writes) % 256 == 0;
        await _db.WriteAsync(async (c, tx) =>
        {
            await SqliteDatabase.ExecAsync(c, tx,
                "INSERT OR REPLACE INTO stored_responses(id, owner, team, deployment, body, created_ms, expires_ms) VALUES($a,$b,$c,$d,$e,$f,$g)", ct,
                r.Id, r.Owner, r.Team, r.Deployment, r.Document, r.CreatedAt.ToUnixTimeMilliseconds(), r.ExpiresAt.ToUnixTimeMilliseconds());
            if (sweep)
                await SqliteDatabase.ExecAsync(c, tx, "DELETE FROM stored_responses WHERE id IN (SELECT id FROM stored_responses WHERE expires_ms <= $a LIMIT 1000)", ct,
                    r.CreatedAt.ToUnixTimeMilliseconds());
            return 0;
        }, ct);
    }

    public async ValueTask<StoredResponse?> GetAsync(string id, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await _db.OpenAsync(ct);
        await using var cmd = SqliteDatabase.Command(c, null,
            "SELECT owner, team, deployment, body, created_ms, expires_ms FROM stored_responses WHERE id=$a AND expires_ms > $b", id, now.ToUnixTimeMilliseconds());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new StoredResponse(id, r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), (byte[])r.GetValue(3),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)));
    }

    public async ValueTask<bool> DeleteAsync(string id, CancellationToken ct) =>
        await _db.WriteAsync((c, tx) => SqliteDatabase.ExecAsync(c, tx, "DELETE FROM stored_responses WHERE id=$a", ct, id), ct) > 0;
}
