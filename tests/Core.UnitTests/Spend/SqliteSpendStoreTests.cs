using Gateway.Spend.Ingest;
using Gateway.Stores.Sqlite;

namespace Gateway.Tests.Spend;

/// <summary>The spend contract on the embedded SQLite store (a fresh file per test class).</summary>
public sealed class SqliteSpendStoreTests : SpendStoreContract, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-spend-" + Guid.NewGuid().ToString("N"));

    public SqliteSpendStoreTests() => Store = new SqliteSpendStore(Path.Combine(_dir, "gateway.db"));

    protected override ISpendStore Store { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
