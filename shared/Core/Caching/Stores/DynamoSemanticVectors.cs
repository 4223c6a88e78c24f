using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Gateway.Caching.Semantic;
using Gateway.Keys;
using Gateway.Stores.DynamoDb;
using static Gateway.Stores.DynamoDb.DynamoItems;

namespace Gateway.Caching.Stores;

/// <summary>
/// Prompt vectors in the spend table next to the cached answers: items <c>pk = vectors|{index}</c>, <c>sk</c> the answer's
/// cache key, the float16 blob in <c>vector</c>, expired by the table's TTL attribute like the answers.
/// </summary>
public sealed class DynamoSemanticVectors(IAmazonDynamoDB db, string table) : ISemanticVectorStore
{
    private const string Prefix = "vectors|";
    private Task? _created;

    public static DynamoSemanticVectors Create(StoreSettings s) => new(DynamoClients.Create(s), s.TablePrefix + "-spend");

    private Task Ready() => LazyInitializer.EnsureInitialized(ref _created, () => DynamoClients.EnsureTableAsync(db, table, DynamoSpendKeys.ExpiresAt));

    public async ValueTask AddAsync(string index, StoredVector v, CancellationToken ct)
    {
        await Ready();
        var item = Key(Prefix + index, v.CacheKey);
        item["vector"] = new AttributeValue { B = new MemoryStream(HalfVectors.Encode(v.UnitVector)) };
        item["stored_ms"] = N(v.StoredAt.ToUnixTimeMilliseconds());
        item["expires_ms"] = N(v.ExpiresAt.ToUnixTimeMilliseconds());
        item[DynamoSpendKeys.ExpiresAt] = N(v.ExpiresAt.ToUnixTimeSeconds() + 1);
        await db.PutItemAsync(new PutItemRequest { TableName = table, Item = item }, ct);
    }

    public async ValueTask<IReadOnlyList<StoredVector>> LoadAsync(string index, DateTimeOffset since, DateTimeOffset now, int max, CancellationToken ct)
    {
        await Ready();
        var list = new List<StoredVector>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await db.QueryAsync(new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "pk = :p",
                FilterExpression = "stored_ms > :since AND expires_ms > :now",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":p"] = S(Prefix + index), [":since"] = N(since.ToUnixTimeMilliseconds()), [":now"] = N(now.ToUnixTimeMilliseconds()),
                },
                ExclusiveStartKey = start,
            }, ct);
            foreach (var item in page.Items ?? [])
                if (item.TryGetValue("vector", out var blob) && blob.B is not null && HalfVectors.DecodeUnit(blob.B.ToArray()) is { } unit)
                    list.Add(new StoredVector(Str(item, "sk")!, unit, DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "stored_ms")),
                        DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "expires_ms"))));
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        } while (start is not null);
        return list.OrderByDescending(v => v.StoredAt).Take(max).ToList();
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await Ready();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await db.ScanAsync(new ScanRequest
            {
                TableName = table,
                FilterExpression = "begins_with(pk, :p)",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":p"] = S(Prefix) },
                ProjectionExpression = "pk, sk",
                ExclusiveStartKey = start,
            }, ct);
            foreach (var item in page.Items ?? [])
                await db.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = Key(Str(item, "pk")!, Str(item, "sk")!) }, ct);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        } while (start is not null);
    }
}
