using Gateway.Keys;
using Microsoft.Data.Sqlite;

using Gateway.Limits;

namespace Gateway.Stores.Sqlite;

/// <summary>Reads and writes one subject's <see cref="CounterState"/> row inside a transaction.</summary>
internal static class SqliteCounters
{
    public static async Task<CounterState> ReadAsync(SqliteConnection c, SqliteTransaction? tx, string subject, CancellationToken ct) =>
        (await ReadWithDurationAsync(c, tx, subject, ct)).State;

    public static async Task<(CounterState State, string? Duration)> ReadWithDurationAsync(SqliteConnection c, SqliteTransaction? tx, string subject, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT budget_start, spend, reserved, minute_start, requests, tokens_used, tokens_reserved, in_flight, budget_duration FROM counters WHERE subject=$a";
        cmd.Parameters.AddWithValue("$a", subject);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return (CounterState.Empty, null);
        return (new CounterState(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7)),
            r.IsDBNull(8) ? null : r.GetString(8));
    }

    public static Task WriteAsync(SqliteConnection c, SqliteTransaction tx, string subject, string? duration, CounterState s, CancellationToken ct) =>
        SqliteGovernanceStore.ExecAsync(c, tx,
            """
            INSERT INTO counters(subject, budget_start, spend, reserved, minute_start, requests, tokens_used, tokens_reserved, in_flight, budget_duration)
            VALUES($a,$b,$c,$d,$e,$f,$g,$h,$i,$j)
            ON CONFLICT(subject) DO UPDATE SET budget_start=$b, spend=$c, reserved=$d, minute_start=$e, requests=$f,
              tokens_used=$g, tokens_reserved=$h, in_flight=$i, budget_duration=$j
            """, ct,
            subject, s.BudgetStart, s.SpendNanos, s.ReservedNanos, s.MinuteStart, s.Requests, s.TokensUsed, s.TokensReserved, s.InFlight,
            (object?)duration ?? DBNull.Value);
}
