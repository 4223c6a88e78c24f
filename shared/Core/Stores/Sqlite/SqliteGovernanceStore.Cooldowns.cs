using Gateway.Routing.Cooldowns;

namespace Gateway.Stores.Sqlite;

/// <summary>Shared cooldowns: one row per deployment; a later trip only ever moves its end further out.</summary>
public sealed partial class SqliteGovernanceStore : ISharedCooldownStore
{
    public Task PublishCooldownAsync(string deploymentId, DateTimeOffset until, CancellationToken ct) => _db.WriteAsync(async (c, tx) =>
        await SqliteDatabase.ExecAsync(c, tx,
            "INSERT INTO cooldowns(deployment, until_ms) VALUES($a,$b) ON CONFLICT(deployment) DO UPDATE SET until_ms=max(until_ms, excluded.until_ms)",
            ct, deploymentId, until.ToUnixTimeMilliseconds()), ct);

    public async Task<IReadOnlyList<SharedCooldown>> ReadCooldownsAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = SqliteDatabase.Command(c, null, "SELECT deployment, until_ms FROM cooldowns WHERE until_ms > $a", now.ToUnixTimeMilliseconds());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<SharedCooldown>();
        while (await r.ReadAsync(ct)) list.Add(new SharedCooldown(r.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))));
        return list;
    }
}
