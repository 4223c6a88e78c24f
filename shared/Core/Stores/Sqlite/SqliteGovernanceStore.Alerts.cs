using System.Text.Json;
using Gateway.Alerts;
using Gateway.Alerts.State;

namespace Gateway.Stores.Sqlite;

/// <summary>Alert history and dedup: one row per alert id; the primary key makes a second add of the same id a no-op.</summary>
public sealed partial class SqliteGovernanceStore : IAlertStore
{
    public Task<bool> TryAddAlertAsync(AlertRecord alert, CancellationToken ct) => _db.WriteAsync(async (c, tx) =>
        await SqliteDatabase.ExecAsync(c, tx, "INSERT OR IGNORE INTO alerts(id, fired_ms, json) VALUES($a,$b,$c)", ct,
            alert.Id, alert.FiredAt.ToUnixTimeMilliseconds(), JsonSerializer.Serialize(alert, AlertsJson.Default.AlertRecord)) == 1, ct);

    public Task SaveAlertAsync(AlertRecord alert, CancellationToken ct) => _db.WriteAsync(async (c, tx) =>
        await SqliteDatabase.ExecAsync(c, tx, "UPDATE alerts SET json=$b WHERE id=$a", ct, alert.Id, JsonSerializer.Serialize(alert, AlertsJson.Default.AlertRecord)), ct);

    public async Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(DateTimeOffset since, int limit, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = SqliteDatabase.Command(c, null, "SELECT json FROM alerts WHERE fired_ms >= $a ORDER BY fired_ms DESC, id LIMIT $b",
            since.ToUnixTimeMilliseconds(), limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<AlertRecord>();
        while (await r.ReadAsync(ct))
            if (JsonSerializer.Deserialize(r.GetString(0), AlertsJson.Default.AlertRecord) is { } a) list.Add(a);
        return list;
    }
}
