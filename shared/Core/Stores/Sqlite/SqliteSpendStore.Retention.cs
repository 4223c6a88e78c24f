using Gateway.Spend.Retention;
using Microsoft.Data.Sqlite;

namespace Gateway.Stores.Sqlite;

// Retention: expired log rows go in bounded batches, each its own short write transaction, so the spend journal's
// drain and the limit checks interleave with a long purge. Then the WAL is checkpointed and truncated, and the file's
// free pages are either left for new rows to reuse or, past a quarter of the file, returned to the OS.
public sealed partial class SqliteSpendStore : ISpendLogPurge
{
    /// <summary>Rows per delete transaction: a few MB of WAL at ~1.3 KB a row, short enough not to stall writers.</summary>
    internal const int PurgeBatch = 2_000;

    /// <summary>Pages returned to the OS per write-lock hold (8 MB at 4 KB pages).</summary>
    private const int VacuumChunk = 2_000;

    public async Task<PurgeResult> PurgeAsync(DateTimeOffset cutoff, int maxRows, CancellationToken ct = default)
    {
        var cutoffMs = cutoff.ToUnixTimeMilliseconds();
        long deleted = 0;
        var finished = false;
        while (deleted < maxRows)
        {
            var batch = (int)Math.Min(PurgeBatch, maxRows - deleted);
            var n = await _db.WriteAsync((c, tx) => SqliteDatabase.ExecAsync(c, tx, """
                DELETE FROM spend_logs WHERE rowid IN
                  (SELECT rowid FROM spend_logs INDEXED BY spend_logs_time WHERE start_ms < $a LIMIT $b)
                """, ct, cutoffMs, batch), ct);
            deleted += n;
            if (n < batch)
            {
                finished = true;
                break;
            }
        }
        if (!finished) finished = !await AnyBeforeAsync(cutoffMs, ct);
        if (deleted == 0) return new PurgeResult(0, finished);
        var released = await CompactAsync(ct);
        return new PurgeResult(deleted, finished) { Note = released > 0 ? $"returned {released / 1024 / 1024.0:0.#} MB to the OS" : null };
    }

    private async Task<bool> AnyBeforeAsync(long cutoffMs, CancellationToken ct)
    {
        await using var c = await _db.OpenAsync(ct);
        await using var cmd = SqliteDatabase.Command(c, null, "SELECT EXISTS(SELECT 1 FROM spend_logs INDEXED BY spend_logs_time WHERE start_ms < $a)", cutoffMs);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) != 0;
    }

    /// <summary>
    /// Checkpoints the WAL into the database and truncates it, then returns free pages beyond a quarter of the file to the
    /// OS (only databases created with <c>auto_vacuum=INCREMENTAL</c> can; older files reuse their free pages instead).
    /// Returns the bytes released.
    /// </summary>
    private async Task<long> CompactAsync(CancellationToken ct)
    {
        long released = 0;
        while (true)
        {
            var step = await _db.MaintainAsync(async c =>
            {
                var pageSize = await ScalarAsync(c, "PRAGMA page_size", ct);
                if (await ScalarAsync(c, "PRAGMA auto_vacuum", ct) != 2) return 0L; // 2 = incremental
                var free = await ScalarAsync(c, "PRAGMA freelist_count", ct);
                var excess = free - await ScalarAsync(c, "PRAGMA page_count", ct) / 4;
                if (excess <= 0) return 0L;
                var pages = Math.Min(excess, VacuumChunk);
                await SqliteDatabase.ExecAsync(c, null, $"PRAGMA incremental_vacuum({pages})", ct);
                return pages * pageSize;
            }, ct);
            if (step == 0) break;
            released += step;
        }
        await _db.MaintainAsync(async c =>
        {
            await SqliteDatabase.ExecAsync(c, null, "PRAGMA wal_checkpoint(TRUNCATE)", ct);
            return 0L;
        }, ct);
        return released;
    }

    private static async Task<long> ScalarAsync(SqliteConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = SqliteDatabase.Command(c, null, sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
