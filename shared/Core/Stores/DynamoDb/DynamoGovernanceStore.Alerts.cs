using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Gateway.Alerts;
using Gateway.Alerts.State;
using static Gateway.Stores.DynamoDb.DynamoItems;

namespace Gateway.Stores.DynamoDb;

/// <summary>
/// Alert history and dedup: items under <c>pk = alerts</c>, one per alert id; an add is a put conditioned on the item
/// not existing, so two instances send one alert between them.
/// </summary>
public sealed partial class DynamoGovernanceStore : IAlertStore
{
    private const string AlertPk = "alerts";
    private const string AlertSkPrefix = "alert:";

    private static Dictionary<string, AttributeValue> AlertItem(AlertRecord alert) => new()
    {
        ["pk"] = S(AlertPk),
        ["sk"] = S(AlertSkPrefix + alert.Id),
        ["fired_ms"] = N(alert.FiredAt.ToUnixTimeMilliseconds()),
        ["json"] = S(JsonSerializer.Serialize(alert, AlertsJson.Default.AlertRecord)),
    };

    public Task<bool> TryAddAlertAsync(AlertRecord alert, CancellationToken ct) => TryPutAsync(AlertItem(alert), "attribute_not_exists(pk)", ct);

    public async Task SaveAlertAsync(AlertRecord alert, CancellationToken ct)
    {
        await Ready();
        await db.PutItemAsync(new PutItemRequest { TableName = table, Item = AlertItem(alert) }, ct);
    }

    public async Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(DateTimeOffset since, int limit, CancellationToken ct)
    {
        await Ready();
        var list = new List<AlertRecord>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await db.QueryAsync(new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "pk = :p",
                FilterExpression = "fired_ms >= :since",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":p"] = S(AlertPk), [":since"] = N(since.ToUnixTimeMilliseconds()) },
                ConsistentRead = true,
                ExclusiveStartKey = start,
            }, ct);
            foreach (var item in page.Items ?? [])
                if (Str(item, "json") is { } json && JsonSerializer.Deserialize(json, AlertsJson.Default.AlertRecord) is { } a) list.Add(a);
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        } while (start is not null);
        return [.. list.OrderByDescending(a => a.FiredAt).ThenBy(a => a.Id, StringComparer.Ordinal).Take(limit)];
    }
}
