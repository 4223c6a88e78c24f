using Amazon.DynamoDBv2.Model;
using Gateway.Routing.Cooldowns;
using static Gateway.Stores.DynamoDb.DynamoItems;

namespace Gateway.Stores.DynamoDb;

/// <summary>Shared cooldowns: items under <c>pk = cooldown</c>, one per deployment, read in one query; a later trip only moves the end out.</summary>
public sealed partial class DynamoGovernanceStore : ISharedCooldownStore
{
    private const string CooldownPk = "cooldown";
    // Prefixed so no deployment id can read as another item kind (a deployment named "counter").
    private const string SkPrefix = "deployment:";

    public async Task PublishCooldownAsync(string deploymentId, DateTimeOffset until, CancellationToken ct)
    {
        await Ready();
        try
        {
            await db.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = new Dictionary<string, AttributeValue> { ["pk"] = S(CooldownPk), ["sk"] = S(SkPrefix + deploymentId), ["until_ms"] = N(until.ToUnixTimeMilliseconds()) },
                ConditionExpression = "attribute_not_exists(until_ms) OR until_ms < :u",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":u"] = N(until.ToUnixTimeMilliseconds()) },
            }, ct);
        }
        catch (ConditionalCheckFailedException)
        {
            // Another instance published a later end already.
        }
    }

    public async Task<IReadOnlyList<SharedCooldown>> ReadCooldownsAsync(DateTimeOffset now, CancellationToken ct)
    {
        await Ready();
        var list = new List<SharedCooldown>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await db.QueryAsync(new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "pk = :p",
                FilterExpression = "until_ms > :now",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":p"] = S(CooldownPk), [":now"] = N(now.ToUnixTimeMilliseconds()) },
                ExclusiveStartKey = start,
            }, ct);
            foreach (var item in page.Items ?? [])
                if (Str(item, "sk") is { } sk && sk.StartsWith(SkPrefix, StringComparison.Ordinal))
                    list.Add(new SharedCooldown(sk[SkPrefix.Length..], DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "until_ms"))));
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        } while (start is not null);
        return list;
    }
}
