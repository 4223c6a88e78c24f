using Gateway.Keys;
using Gateway.Stores.Sqlite;

namespace Gateway.Tests.Stores;

/// <summary>The contract on the embedded SQLite store (a fresh file per test class).</summary>
public sealed class SqliteStoreContractTests : GovernanceStoreContract, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-sqlite-" + Guid.NewGuid().ToString("N"));

    public SqliteStoreContractTests()
    {
        Store = new SqliteGovernanceStore(Path.Combine(_dir, "gateway.db"));
    }

    protected override IGovernanceStore Store { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
