using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Stores.Sqlite;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Spend;

/// <summary>A database file made before the cache's rollup columns existed gains them on open and keeps its rows.</summary>
public sealed class SqliteSchemaUpgradeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-upgrade-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task An_older_file_gets_the_cache_columns_and_keeps_its_rollups()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "gateway.db");
        await using (var c = new SqliteConnection($"Data Source={path}"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE spend_rollups(dimension TEXT NOT NULL, day TEXT NOT NULL, value TEXT NOT NULL,
                  spend INTEGER NOT NULL, requests INTEGER NOT NULL, failures INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL,
                  completion_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL,
                  PRIMARY KEY(dimension, day, value));
                INSERT INTO spend_rollups VALUES('model','2026-11-20','gpt',5000,1,0,10,2,0,0);
                """;
            await cmd.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();

        var store = new SqliteSpendStore(path);
        await store.InitializeAsync();
        var at = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        await store.IngestAsync([new SpendEvent
        {
            Id = "req_hit", CallType = "chat_completion", StartTime = at, EndTime = at, Model = "gpt", ModelGroup = "gpt",
            Status = SpendStatus.Success, CacheHit = true, Saved = 0.25m,
        }]);
        var row = Assert.Single(await store.QueryRollupsAsync(new RollupQuery(SpendDimensions.Model, new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 20))));
        Assert.Equal(5000, row.SpendNanos);
        Assert.Equal(2, row.Requests);
        Assert.Equal(1, row.CacheHits);
        Assert.Equal(Money.ToNanos(0.25m), row.SavedNanos);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
