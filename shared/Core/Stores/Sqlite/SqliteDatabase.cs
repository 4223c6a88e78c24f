using Microsoft.Data.Sqlite;

namespace Gateway.Stores.Sqlite;

/// <summary>
/// The embedded database file (WAL), shared safely by several processes and by the governance and spend stores.
/// Writers take <see cref="WriteAsync"/> so one transaction at a time runs in this process; SQLite's lock (with a
/// busy timeout) orders processes.
/// </summary>
public sealed class SqliteDatabase
{
    private static readonly Dictionary<string, SqliteDatabase> Open = new(StringComparer.Ordinal);
    private readonly string _connectionString;
    private readonly SemaphoreSlim _write = new(1, 1);
    private Task? _created;
    private long _transactions;

    private SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>One instance per file in a process, so the stores on one file share the writer lock.</summary>
    public static SqliteDatabase At(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        lock (Open)
        {
            if (!Open.TryGetValue(full, out var db)) Open[full] = db = new SqliteDatabase(full);
            return db;
        }
    }

    public string Path { get; }

    /// <summary>Write transactions run so far: the store round trips (for the bench).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    public Task EnsureCreatedAsync() => LazyInitializer.EnsureInitialized(ref _created, CreateAsync);

    private async Task CreateAsync()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await using var c = await OpenRawAsync(CancellationToken.None);
        // Before the first table: a new file can then hand pages freed by spend-log retention back to the OS (an
        // existing file keeps its mode and reuses them).
        await ExecAsync(c, null, "PRAGMA auto_vacuum=INCREMENTAL;", CancellationToken.None);
        await ExecAsync(c, null, "PRAGMA journal_mode=WAL;", CancellationToken.None);
        await ExecAsync(c, null, SqliteSchema.Create, CancellationToken.None);
        foreach (var (table, column, definition) in SqliteSchema.AddedColumns)
        {
            await using var has = Command(c, null, "SELECT COUNT(*) FROM pragma_table_info($a) WHERE name=$b", table, column);
            if (Convert.ToInt64(await has.ExecuteScalarAsync()) == 0)
                await ExecAsync(c, null, $"ALTER TABLE {table} ADD COLUMN {column} {definition};", CancellationToken.None);
        }
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        // Microsoft.Data.Sqlite's async methods run synchronously (and may wait on the busy timeout). Kestrel runs
        // request code inline on its socket threads (see GatewayApp), so move store work to the thread pool.
        await Task.Yield();
        await EnsureCreatedAsync();
        return await OpenRawAsync(ct);
    }

    /// <summary>Runs <paramref name="work"/> in one <c>BEGIN IMMEDIATE</c>-style write transaction, one writer at a time.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct)
    {
        await _write.WaitAsync(ct);
        try
        {
            await using var c = await OpenAsync(ct);
            await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(ct);
            Interlocked.Increment(ref _transactions);
            var result = await work(c, tx);
            if (tx.Connection is not null) await tx.CommitAsync(ct);
            return result;
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>Runs maintenance that must not sit inside a transaction (checkpoints, incremental vacuum) under the writer lock.</summary>
    public async Task<T> MaintainAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        await _write.WaitAsync(ct);
        try
        {
            await using var c = await OpenAsync(ct);
            return await work(c);
        }
        finally
        {
            _write.Release();
        }
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken ct)
    {
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(ct);
        // Per physical connection, not per open: pooled connections keep their settings, and a call opens one or two.
        if (c.Handle is { } handle && !Configured.TryGetValue(handle, out _))
        {
            await ExecAsync(c, null, "PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;", ct);
            Configured.AddOrUpdate(handle, Marker);
        }
        return c;
    }

    // The physical connections (SQLite handles, which the pool reuses) whose pragmas are set.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = new();
    private static readonly object Marker = new();

    /// <summary>Runs one statement with positional parameters <c>$a</c>, <c>$b</c>, ... (null becomes SQL NULL).</summary>
    public static async Task<int> ExecAsync(SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct, params object?[] args)
    {
        await using var cmd = Command(c, tx, sql, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params object?[] args)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        for (var i = 0; i < args.Length; i++) cmd.Parameters.AddWithValue("$" + (char)('a' + i), args[i] ?? DBNull.Value);
        return cmd;
    }
}
