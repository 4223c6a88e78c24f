using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Gateway.Keys;
using Gateway.Stores.DynamoDb;
using static Gateway.Stores.DynamoDb.DynamoItems;

namespace Gateway.Caching.Stores;

/// <summary>
/// Cached answers in DynamoDB: items <c>pk = cache|{key}</c>, <c>sk = entry</c> in the spend table, whose TTL attribute
/// (<c>expires_at</c>, epoch seconds) DynamoDB already expires items by, so no new table or TTL setting is needed. An
/// item read before DynamoDB has removed it is checked against its own expiry. An item holds at most 400 KB: an answer
/// past <see cref="MaxBodyBytes"/> is not kept. <c>/cache/flush</c> scans for the cache items (a rare admin action).
/// </summary>
public sealed class DynamoResponseCache(IAmazonDynamoDB db, string table) : IResponseCacheStore
{
    public const int MaxBodyBytes = 380 * 1024;
    private const string Prefix = "cache|";
    private const string Sort = "entry";
    private Task? _created;

    public static DynamoResponseCache Create(StoreSettings s) => new(DynamoClients.Create(s), s.TablePrefix + "-spend");

    public string Name => "dynamodb";

    private Task Ready() => LazyInitializer.EnsureInitialized(ref _created, () => DynamoClients.EnsureTableAsync(db, table, DynamoSpendKeys.ExpiresAt));

    public async ValueTask<CacheEntry?> GetAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        await Ready();
        var r = await db.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(Prefix + key, Sort) }, ct);
        if (r.Item is not { Count: > 0 } item || !item.TryGetValue("body", out var body) || body.B is null) return null;
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "expires_ms"));
        if (now >= expires) return null;
        return new CacheEntry(body.B.ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "stored_ms")), expires, Money.FromNanos(Long(item, "cost")));
    }

    public async ValueTask SetAsync(string key, CacheEntry entry, CancellationToken ct)
    {
        if (entry.Body.Length > MaxBodyBytes) return;
        await Ready();
        var item = Key(Prefix + key, Sort);
        item["body"] = new AttributeValue { B = new MemoryStream(entry.Body) };
        item["stored_ms"] = N(entry.StoredAt.ToUnixTimeMilliseconds());
        item["expires_ms"] = N(entry.ExpiresAt.ToUnixTimeMilliseconds());
        item["cost"] = N(Money.ToNanos(entry.Cost));
        item[DynamoSpendKeys.ExpiresAt] = N(entry.ExpiresAt.ToUnixTimeSeconds() + 1);
        await db.PutItemAsync(new PutItemRequest { TableName = table, Item = item }, ct);
    }

    public async ValueTask<int> DeleteAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        await Ready();
        var n = 0;
        foreach (var key in keys)
        {
            var r = await db.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = Key(Prefix + key, Sort), ReturnValues = ReturnValue.ALL_OLD }, ct);
            if (r.Attributes is { Count: > 0 }) n++;
        }
        return n;
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
            foreach (var item in page.Items) await db.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = Key(Str(item, "pk")!, Sort) }, ct);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        } while (start is not null);
    }

    public async ValueTask<bool> PingAsync(CancellationToken ct)
    {
        await Ready();
        await db.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(Prefix + "ping", Sort), ProjectionExpression = "pk" }, ct);
        return true;
    }
}
