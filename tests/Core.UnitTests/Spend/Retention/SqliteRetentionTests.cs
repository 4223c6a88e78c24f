using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Spend.Retention;
using Gateway.Stores.Sqlite;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Spend.Retention;

/// <summary>
/// Retention on the embedded SQLite store: the contract, plus what happens to the file. A new file hands free pages
/// beyond a quarter of itself back to the OS and truncates its WAL; a file made before retention (no auto_vacuum)
/// reuses its free pages, so it does not grow when the same volume comes again.
/// </summary>
public sealed class SqliteRetentionTests : SpendRetentionContract, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-retention-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteSpendStore _store;

    public SqliteRetentionTests() => _store = new SqliteSpendStore(DbPath);

    private string DbPath => Path.Combine(_dir, "gateway.db");
    protected override ISpendStore Store => _store;
    protected override ISpendLogPurge Purge => _store;

    private static List<SpendEvent> Heavy(int perDay, int days, string prefix, DateTimeOffset start) =>
        RetentionLoad.Events(perDay * days, prefix, start, TimeSpan.FromDays(days));

    private long Pragma(string name)
    {
        using var c = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA " + name;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private long FileBytes(string suffix = "") => File.Exists(DbPath + suffix) ? new FileInfo(DbPath + suffix).Length : 0;

    [Fact]
    public async Task A_new_file_returns_free_pages_past_a_quarter_of_itself_and_truncates_its_wal()
    {
        var start = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        await _store.IngestAsync(Heavy(2_000, 4, "v", start));
        Assert.Equal(2, Pragma("auto_vacuum")); // incremental
        var full = FileBytes();

        var result = await _store.PurgeAsync(start.AddDays(3), int.MaxValue);

        Assert.Equal(6_000, result.Deleted);
        Assert.Contains("to the OS", result.Note);
        Assert.Equal(0, FileBytes("-wal"));
        Assert.True(FileBytes() < full * 0.6, $"file {FileBytes()} bytes after deleting three quarters of {full}");
        Assert.True(Pragma("freelist_count") <= Pragma("page_count") / 4 + 1);
    }

    [Fact]
    public async Task A_file_without_auto_vacuum_reuses_its_free_pages_so_the_next_days_do_not_grow_it()
    {
        // As a database created before retention existed: auto_vacuum off, the schema already there.
        Directory.CreateDirectory(_dir);
        using (var c = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA auto_vacuum=NONE; PRAGMA journal_mode=WAL; CREATE TABLE legacy(x);";
            cmd.ExecuteNonQuery();
        }
        var start = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        await _store.IngestAsync(Heavy(3_000, 2, "a", start));
        Assert.Equal(0, Pragma("auto_vacuum"));
        var purged = await _store.PurgeAsync(start.AddDays(2), int.MaxValue);
        Assert.Equal(6_000, purged.Deleted);
        var afterPurge = FileBytes();
        Assert.True(Pragma("freelist_count") > Pragma("page_count") / 2, "the deleted rows' pages are free");

        await _store.IngestAsync(Heavy(3_000, 2, "b", start.AddDays(2)));
        Assert.Equal(0, (await _store.PurgeAsync(start.AddDays(2), int.MaxValue)).Deleted);
        Pragma("wal_checkpoint(TRUNCATE)"); // every new page in the file itself, to compare like with like

        Assert.True(FileBytes() <= afterPurge * 1.05, $"the same volume again grew the file from {afterPurge} to {FileBytes()} bytes");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
