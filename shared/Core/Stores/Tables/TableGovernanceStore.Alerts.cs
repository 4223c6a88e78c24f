using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Gateway.Alerts;
using Gateway.Alerts.State;

namespace Gateway.Stores.Tables;

/// <summary>
/// Alert history and dedup: the <c>alerts</c> partition, one row per alert id (escaped). An add is an insert, which the
/// service refuses (409) when the row exists: that is the dedup across instances.
/// </summary>
public sealed partial class TableGovernanceStore : IAlertStore
{
    private const string AlertPartition = "alerts";

    private static TableEntity AlertEntity(AlertRecord alert) => new(AlertPartition, "alert:" + TableNames.Escape(alert.Id))
    {
        ["FiredMs"] = alert.FiredAt.ToUnixTimeMilliseconds(),
        ["Json"] = JsonSerializer.Serialize(alert, AlertsJson.Default.AlertRecord),
    };

    public async Task<bool> TryAddAlertAsync(AlertRecord alert, CancellationToken ct)
    {
        await Ready();
        try
        {
            await table.AddEntityAsync(AlertEntity(alert), ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task SaveAlertAsync(AlertRecord alert, CancellationToken ct)
    {
        await Ready();
        await table.UpsertEntityAsync(AlertEntity(alert), TableUpdateMode.Replace, ct);
    }

    public async Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(DateTimeOffset since, int limit, CancellationToken ct)
    {
        await Ready();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {AlertPartition} and FiredMs ge {since.ToUnixTimeMilliseconds()}");
        var list = new List<AlertRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            if (e.GetString("Json") is { } json && JsonSerializer.Deserialize(json, AlertsJson.Default.AlertRecord) is { } a) list.Add(a);
        return [.. list.OrderByDescending(a => a.FiredAt).ThenBy(a => a.Id, StringComparer.Ordinal).Take(limit)];
    }
}
