using System.Text.Json;
using Gateway.Keys;
using Microsoft.Data.Sqlite;

using Gateway.Limits;

namespace Gateway.Stores.Sqlite;

/// <summary>
/// Keys and limits in the embedded database. Admit and settle are each one write transaction, so the check and the
/// update can never interleave with another writer's.
/// </summary>
public sealed partial class SqliteGovernanceStore : IGovernanceStore
{
    private readonly SqliteDatabase _db;

    public SqliteGovernanceStore(string path) => _db = SqliteDatabase.At(path);

    public string Path => _db.Path;

    /// <summary>Admit and settle transactions run so far: the store round trips of the limit checks (for the bench).</summary>
    public long Transactions => _db.Transactions;

    /// <summary>Creates the file and tables; also done lazily on first use, so a gateway without virtual keys never touches disk.</summary>
    public Task InitializeAsync(CancellationToken ct = default) => _db.EnsureCreatedAsync();

    private Task<SqliteConnection> OpenAsync(CancellationToken ct) => _db.OpenAsync(ct);

    // ---- keys, teams, users

    public Task<KeyRecord?> GetKeyAsync(string hash, CancellationToken ct = default) =>
        ReadOneAsync("SELECT json FROM keys WHERE hash=$a", hash, j => JsonSerializer.Deserialize(j, KeysJson.Default.KeyRecord), ct);

    public Task<KeyRecord?> FindKeyByAliasAsync(string alias, CancellationToken ct = default) =>
        ReadOneAsync("SELECT json FROM keys WHERE alias=$a", alias, j => JsonSerializer.Deserialize(j, KeysJson.Default.KeyRecord), ct);

    public Task<bool> CreateKeyAsync(KeyRecord key, CancellationToken ct = default) =>
        WriteAsync("INSERT OR IGNORE INTO keys(hash, alias, team_id, user_id, created, json) VALUES($a,$b,$c,$d,$e,$f)", key, ct);

    public Task<bool> UpdateKeyAsync(KeyRecord key, CancellationToken ct = default) =>
        WriteAsync("UPDATE OR IGNORE keys SET alias=$b, team_id=$c, user_id=$d, created=$e, json=$f WHERE hash=$a", key, ct);

    private async Task<bool> WriteAsync(string sql, KeyRecord key, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$a", key.Hash);
        cmd.Parameters.AddWithValue("$b", (object?)key.Alias ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$c", (object?)key.TeamId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$d", (object?)key.UserId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$e", key.CreatedAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$f", JsonSerializer.Serialize(key, KeysJson.Default.KeyRecord));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> DeleteKeyAsync(string hash, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await ExecAsync(c, null, "DELETE FROM keys WHERE hash=$a", ct, hash) == 1;
    }

    /// <summary>One write transaction: the old row goes and the new one (which may take its alias) comes, or neither.</summary>
    public Task<KeyReplaceOutcome> ReplaceKeyAsync(string oldHash, KeyRecord replacement, CancellationToken ct = default) => _db.WriteAsync(async (c, tx) =>
    {
        if (await ExecAsync(c, tx, "DELETE FROM keys WHERE hash=$a", ct, oldHash) != 1)
        {
            await tx.RollbackAsync(ct);
            return KeyReplaceOutcome.NotFound;
        }
        if (await ReadScalarAsync(c, tx, "SELECT COUNT(*) FROM keys WHERE hash=$a", replacement.Hash, ct) > 0)
        {
            await tx.RollbackAsync(ct);
            return KeyReplaceOutcome.HashTaken;
        }
        if (replacement.Alias is { } alias && await ReadScalarAsync(c, tx, "SELECT COUNT(*) FROM keys WHERE alias=$a", alias, ct) > 0)
        {
            await tx.RollbackAsync(ct);
            return KeyReplaceOutcome.AliasTaken;
        }
        await ExecAsync(c, tx, "INSERT INTO keys(hash, alias, team_id, user_id, created, json) VALUES($a,$b,$c,$d,$e,$f)", ct,
            replacement.Hash, replacement.Alias, replacement.TeamId, replacement.UserId, replacement.CreatedAt.ToUnixTimeMilliseconds(),
            JsonSerializer.Serialize(replacement, KeysJson.Default.KeyRecord));
        return KeyReplaceOutcome.Replaced;
    }, ct);

    private static async Task<long> ReadScalarAsync(SqliteConnection c, SqliteTransaction tx, string sql, string arg, CancellationToken ct)
    {
        await using var cmd = SqliteDatabase.Command(c, tx, sql, arg);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }

    public async Task<KeyPage> ListKeysAsync(int page, int size, string? teamId, string? userId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        const string filter = "($t IS NULL OR team_id=$t) AND ($u IS NULL OR user_id=$u)";
        await using var count = c.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM keys WHERE " + filter;
        count.Parameters.AddWithValue("$t", (object?)teamId ?? DBNull.Value);
        count.Parameters.AddWithValue("$u", (object?)userId ?? DBNull.Value);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(ct));
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT json FROM keys WHERE " + filter + " ORDER BY created, hash LIMIT $n OFFSET $o";
        cmd.Parameters.AddWithValue("$t", (object?)teamId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$u", (object?)userId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$n", size);
        cmd.Parameters.AddWithValue("$o", (long)(page - 1) * size);
        var keys = new List<KeyRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) keys.Add(JsonSerializer.Deserialize(r.GetString(0), KeysJson.Default.KeyRecord)!);
        return new KeyPage(keys, total);
    }

    public Task<TeamRecord?> GetTeamAsync(string teamId, CancellationToken ct = default) =>
        ReadOneAsync("SELECT json FROM teams WHERE id=$a", teamId, j => JsonSerializer.Deserialize(j, KeysJson.Default.TeamRecord), ct);

    public Task<bool> PutTeamAsync(TeamRecord team, bool create, CancellationToken ct = default) =>
        PutAsync("teams", team.TeamId, JsonSerializer.Serialize(team, KeysJson.Default.TeamRecord), create, ct);

    public Task<bool> DeleteTeamAsync(string teamId, CancellationToken ct = default) => DeleteAsync("teams", teamId, ct);

    public Task<IReadOnlyList<TeamRecord>> ListTeamsAsync(CancellationToken ct = default) =>
        ListAsync("teams", j => JsonSerializer.Deserialize(j, KeysJson.Default.TeamRecord)!, ct);

    public Task<UserRecord?> GetUserAsync(string userId, CancellationToken ct = default) =>
        ReadOneAsync("SELECT json FROM users WHERE id=$a", userId, j => JsonSerializer.Deserialize(j, KeysJson.Default.UserRecord), ct);

    public Task<bool> PutUserAsync(UserRecord user, bool create, CancellationToken ct = default) =>
        PutAsync("users", user.UserId, JsonSerializer.Serialize(user, KeysJson.Default.UserRecord), create, ct);

    public Task<bool> DeleteUserAsync(string userId, CancellationToken ct = default) => DeleteAsync("users", userId, ct);

    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct = default) =>
        ListAsync("users", j => JsonSerializer.Deserialize(j, KeysJson.Default.UserRecord)!, ct);

    public Task<EndUserRecord?> GetEndUserAsync(string userId, CancellationToken ct = default) =>
        ReadOneAsync("SELECT json FROM end_users WHERE id=$a", userId, j => JsonSerializer.Deserialize(j, KeysJson.Default.EndUserRecord), ct);

    public Task<bool> PutEndUserAsync(EndUserRecord endUser, bool create, CancellationToken ct = default) =>
        PutAsync("end_users", endUser.UserId, JsonSerializer.Serialize(endUser, KeysJson.Default.EndUserRecord), create, ct);

    public Task<bool> DeleteEndUserAsync(string userId, CancellationToken ct = default) => DeleteAsync("end_users", userId, ct);

    public Task<IReadOnlyList<EndUserRecord>> ListEndUsersAsync(CancellationToken ct = default) =>
        ListAsync("end_users", j => JsonSerializer.Deserialize(j, KeysJson.Default.EndUserRecord)!, ct);

    private async Task<bool> DeleteAsync(string table, string id, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        return await ExecAsync(c, null, $"DELETE FROM {table} WHERE id=$a", ct, id) == 1;
    }

    private async Task<IReadOnlyList<T>> ListAsync<T>(string table, Func<string, T> map, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = SqliteDatabase.Command(c, null, $"SELECT json FROM {table} ORDER BY id");
        var list = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(map(r.GetString(0)));
        return list;
    }

    private async Task<bool> PutAsync(string table, string id, string json, bool create, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        var sql = create ? $"INSERT OR IGNORE INTO {table}(id, json) VALUES($a,$b)" : $"UPDATE {table} SET json=$b WHERE id=$a";
        return await ExecAsync(c, null, sql, ct, id, json) == 1;
    }

    private async Task<T?> ReadOneAsync<T>(string sql, string arg, Func<string, T?> map, CancellationToken ct) where T : class
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$a", arg);
        return await cmd.ExecuteScalarAsync(ct) is string json ? map(json) : null;
    }

    // ---- limits

    public Task<AdmitResult> AdmitAsync(AdmitRequest request, CancellationToken ct = default) => _db.WriteAsync(async (c, tx) =>
    {
        var states = new List<CounterState>();
        foreach (var s in request.Subjects)
        {
            var state = (await SqliteCounters.ReadAsync(c, tx, s.Subject, ct)).RolledTo(s.Limits.BudgetDuration, request.Now);
            var refused = state.Check(s.Limits, request.CostNanos, request.Tokens, request.Now, out var retryAfter);
            if (refused != LimitKind.None)
            {
                await tx.RollbackAsync(ct);
                return new AdmitResult(refused, s.Subject, retryAfter, [state.ToUsage(s.Subject)]);
            }
            states.Add(state);
        }
        var usage = new List<SubjectUsage>();
        for (var i = 0; i < states.Count; i++)
        {
            var s = request.Subjects[i];
            var next = states[i].Reserve(request.CostNanos, request.Tokens);
            await SqliteCounters.WriteAsync(c, tx, s.Subject, s.Limits.BudgetDuration, next, ct);
            await ExecAsync(c, tx, "INSERT INTO reservations(id, subject, cost, tokens, expires) VALUES($a,$b,$c,$d,$e)", ct,
                request.ReservationId, s.Subject, request.CostNanos, request.Tokens, request.ExpiresAt.ToUnixTimeSeconds());
            usage.Add(next.ToUsage(s.Subject));
        }
        return new AdmitResult(LimitKind.None, null, 0, usage);
    }, ct);

    public async Task<IReadOnlyList<SubjectUsage>> SettleAsync(SettleRequest request, CancellationToken ct = default) =>
        (await ReleaseAsync("SELECT id, subject, cost, tokens FROM reservations WHERE id=$a", request.ReservationId, request.ActualCostNanos, request.ActualTokens, request.Now, ct)).Usage;

    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken ct = default) =>
        (await ReleaseAsync("SELECT id, subject, cost, tokens FROM reservations WHERE expires < $a", now.ToUnixTimeSeconds(), 0, 0, now, ct)).Count;

    private Task<(int Count, List<SubjectUsage> Usage)> ReleaseAsync(string select, object arg, long actualNanos, long actualTokens, DateTimeOffset now, CancellationToken ct) =>
        _db.WriteAsync(async (c, tx) =>
        {
            var rows = new List<(string Id, string Subject, long Cost, long Tokens)>();
            await using (var cmd = SqliteDatabase.Command(c, tx, select, arg))
            {
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) rows.Add((r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)));
            }
            var ids = new HashSet<string>();
            var usage = new List<SubjectUsage>();
            foreach (var row in rows)
            {
                var (state, duration) = await SqliteCounters.ReadWithDurationAsync(c, tx, row.Subject, ct);
                var next = state.RolledTo(duration, now).Settle(row.Cost, row.Tokens, actualNanos, actualTokens);
                await SqliteCounters.WriteAsync(c, tx, row.Subject, duration, next, ct);
                await ExecAsync(c, tx, "DELETE FROM reservations WHERE id=$a AND subject=$b", ct, row.Id, row.Subject);
                ids.Add(row.Id);
                usage.Add(next.ToUsage(row.Subject));
            }
            return (ids.Count, usage);
        }, ct);

    public async Task<SubjectUsage> GetUsageAsync(string subject, SubjectLimits limits, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var state = await SqliteCounters.ReadAsync(c, null, subject, ct);
        return state.RolledTo(limits.BudgetDuration, now).ToUsage(subject);
    }

    internal static Task<int> ExecAsync(SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct, params object?[] args) =>
        SqliteDatabase.ExecAsync(c, tx, sql, ct, args);
}
