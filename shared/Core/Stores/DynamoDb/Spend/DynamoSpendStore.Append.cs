using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using static Gateway.Stores.DynamoDb.DynamoSpendKeys;

namespace Gateway.Stores.DynamoDb;

// The hand-off of GATEWAY_SPEND_ROLLUPS=stream: only the per-key log item, before the response completes. The item's
// INSERT reaches the tenant's function through the table's stream (/events), which runs IngestAsync: the item is then
// an existing claim with nothing applied, so the per-day item and the rollups are added exactly once.
public sealed partial class DynamoSpendStore : ISpendLogAppender
{
    public async Task AppendAsync(IReadOnlyList<SpendEvent> events, CancellationToken ct = default)
    {
        await Ready();
        await Parallel.ForEachAsync(events.DistinctBy(e => e.Id, StringComparer.Ordinal), Options(ct), async (e, t) =>
        {
            var item = LogItem(KeyPartition(SpendDimensions.KeyOf(e), e.Day), e, JsonSerializer.Serialize(e, SpendJson.Default.SpendEvent), tenant, ExpiresOf(e));
            try
            {
                // Conditional: a retried hand-off must not overwrite an item whose rollups are already applied.
                await db.PutItemAsync(new PutItemRequest { TableName = table, Item = item, ConditionExpression = "attribute_not_exists(pk)" }, t);
            }
            catch (ConditionalCheckFailedException)
            {
            }
        });
    }
}
