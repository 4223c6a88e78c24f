using System.Globalization;
using System.Text.Json;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Microsoft.Data.Sqlite;

namespace Gateway.Stores.Sqlite;

/// <summary>
/// Spend in the embedded database. A batch is one transaction: the log rows are inserted unless present, and only newly
/// inserted rows add to the rollups (summed per rollup row first), so ingestion is idempotent and rollups equal the log.
/// Indexes: <c>spend_logs_key</c> (key, time) for per-key logs, <c>spend_logs_time</c> otherwise; rollups by
/// (dimension, day, value).
/// </summary>
public sealed partial class SqliteSpendStore(string path) : ISpendStore, ISerializedSpendIngest
{
    private readonly SqliteDatabase _db = SqliteDatabase.At(path);

    public Task InitializeAsync(CancellationToken ct = default) => _db.EnsureCreatedAsync();

    public Task<int> IngestAsync(IReadOnlyList<SpendEvent> events, CancellationToken ct = default) =>
        IngestSerializedAsync([.. events.Select(e => new JournaledSpendEvent(e, JsonSerializer.Serialize(e, SpendJson.Default.SpendEvent)))], ct);

    /// <summary>The embedded journal's path: each event's JSON line becomes its log row as it is.</summary>
    public Task<int> IngestSerializedAsync(IReadOnlyList<JournaledSpendEvent> events, CancellationToken ct = default) => _db.WriteAsync(async (c, tx) =>
    {
        // One prepared statement per table, re-bound per row (SQLite looks parameters up by name, linearly, so one
        // huge multi-row statement costs quadratic time). A log row that was already there adds nothing.
        var deltas = new Dictionary<(string, DateOnly, string), SpendRollup>();
        var written = 0;
        await using (var insert = Prepared(c, tx, """
            INSERT OR IGNORE INTO spend_logs(request_id, day, start_ms, key, team_id, user_id, model, spend, json)
            VALUES($a,$b,$c,$d,$e,$f,$g,$h,$i)
            """, 9))
        {
            foreach (var (e, json) in events)
            {
                // Without spend logs the row is only the event's claim: its id and day, for idempotency and retention.
                if (e.NoLog) Bind(insert, e.Id, SpendDimensions.DayText(e.Day), e.StartTime.ToUnixTimeMilliseconds(), "", null, null, "", 0, "");
                else Bind(insert, e.Id, SpendDimensions.DayText(e.Day), e.StartTime.ToUnixTimeMilliseconds(), SpendDimensions.KeyOf(e), e.TeamId, e.UserId,
                    e.ModelGroup ?? e.Model, SpendDimensions.Nanos(e), json);
                if (await insert.ExecuteNonQueryAsync(ct) == 0) continue;
                written++;
                foreach (var (dimension, value) in SpendDimensions.Of(e))
                {
                    var d = SpendRollup.Of(dimension, value, e);
                    deltas[(dimension, d.Day, value)] = deltas.TryGetValue((dimension, d.Day, value), out var sum) ? sum.Plus(d) : d;
                }
            }
        }
        if (written == 0) return 0;
        await using var upsert = Prepared(c, tx, """
            INSERT INTO spend_rollups(dimension, day, value, spend, requests, failures, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens,
              cache_hits, saved)
            VALUES($a,$b,$c,$d,$e,$f,$g,$h,$i,$j,$k,$l)
            ON CONFLICT(dimension, day, value) DO UPDATE SET spend=spend+excluded.spend, requests=requests+excluded.requests,
              failures=failures+excluded.failures, prompt_tokens=prompt_tokens+excluded.prompt_tokens, completion_tokens=completion_tokens+excluded.completion_tokens,
              cache_read_tokens=cache_read_tokens+excluded.cache_read_tokens, cache_write_tokens=cache_write_tokens+excluded.cache_write_tokens,
              cache_hits=cache_hits+excluded.cache_hits, saved=saved+excluded.saved
            """, 12);
        foreach (var r in deltas.Values)
        {
            Bind(upsert, r.Dimension, SpendDimensions.DayText(r.Day), r.Value, r.SpendNanos, r.Requests, r.Failures, r.PromptTokens, r.CompletionTokens,
                r.CacheReadTokens, r.CacheWriteTokens, r.CacheHits, r.SavedNanos);
            await upsert.ExecuteNonQueryAsync(ct);
        }
        return written;
    }, ct);

    private static SqliteCommand Prepared(SqliteConnection c, SqliteTransaction tx, string sql, int parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        for (var i = 0; i < parameters; i++) cmd.Parameters.Add(new SqliteParameter("$" + (char)('a' + i), null));
        cmd.Prepare();
        return cmd;
    }

    private static void Bind(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    public async Task<SpendLogPage> QueryLogsAsync(SpendLogQuery q, CancellationToken ct = default)
    {
        // Keyset paging on (start_ms, request_id), newest first: each page is one bounded index range read.
        var (afterMs, afterId) = ParseCursor(q.Cursor);
        var startMs = new DateTimeOffset(q.Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var endMs = new DateTimeOffset(q.End.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        await using var c = await _db.OpenAsync(ct);
        await using var cmd = SqliteDatabase.Command(c, null, $"""
            SELECT json, start_ms, request_id FROM spend_logs INDEXED BY {(q.KeyHash is null ? "spend_logs_time" : "spend_logs_key")}
            WHERE ($a IS NULL OR key=$a) AND start_ms >= $b AND start_ms < $c
              AND ($d IS NULL OR team_id=$d) AND ($e IS NULL OR user_id=$e) AND ($f IS NULL OR model=$f) AND ($g IS NULL OR request_id=$g)
              AND (start_ms < $h OR (start_ms = $h AND request_id < $i)) AND json <> ''

            ORDER BY start_ms DESC, request_id DESC LIMIT $j
            """, q.KeyHash, startMs, endMs, q.TeamId, q.UserId, q.Model, q.RequestId, afterMs, afterId, q.Limit + 1);
        var items = new List<SpendEvent>();
        string? next = null;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (items.Count == q.Limit)
            {
                var last = items[^1];
                next = $"{last.StartTime.ToUnixTimeMilliseconds()}|{last.Id}";
                break;
            }
            items.Add(JsonSerializer.Deserialize(r.GetString(0), SpendJson.Default.SpendEvent)!);
        }
        return new SpendLogPage(items, next);
    }

    public async Task<IReadOnlyList<SpendRollup>> QueryRollupsAsync(RollupQuery q, CancellationToken ct = default)
    {
        await using var c = await _db.OpenAsync(ct);
        await using var cmd = SqliteDatabase.Command(c, null, """
            SELECT value, day, spend, requests, failures, prompt_tokens, completion_tokens, cache_read_tokens, cache_write_tokens, cache_hits, saved FROM spend_rollups
            WHERE dimension=$a AND day >= $b AND day <= $c AND ($d IS NULL OR value=$d) ORDER BY day, value
            """, q.Dimension, SpendDimensions.DayText(q.Start), SpendDimensions.DayText(q.End), q.Value);
        var rows = new List<SpendRollup>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new SpendRollup(q.Dimension, r.GetString(0), DateOnly.ParseExact(r.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture))
            {
                SpendNanos = r.GetInt64(2), Requests = r.GetInt64(3), Failures = r.GetInt64(4), PromptTokens = r.GetInt64(5),
                CompletionTokens = r.GetInt64(6), CacheReadTokens = r.GetInt64(7), CacheWriteTokens = r.GetInt64(8),
                CacheHits = r.GetInt64(9), SavedNanos = r.GetInt64(10),
            });
        return rows;
    }

    private static (long Ms, string Id) ParseCursor(string? cursor)
    {
        if (cursor is null) return (long.MaxValue, "");
        var bar = cursor.IndexOf('|');
        if (bar > 0 && long.TryParse(cursor.AsSpan(0, bar), CultureInfo.InvariantCulture, out var ms)) return (ms, cursor[(bar + 1)..]);
        throw new Spend.Ingest.InvalidCursorException();
    }
}
