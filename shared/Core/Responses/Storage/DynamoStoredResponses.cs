using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Gateway.Keys;
using Gateway.Stores.DynamoDb;
using static Gateway.Stores.DynamoDb.DynamoItems;

namespace Gateway.Responses.Storage;

/// <summary>
/// Kept responses in DynamoDB: items <c>pk = response|{id}</c>, <c>sk = entry</c> in the spend table, whose TTL attribute
/// (<c>expires_at</c>) already expires items, so no new table is needed; an item read before DynamoDB removed it is checked
/// against its own expiry. An item holds at most 400 KB, so a document past <see cref="MaxDocumentBytes"/> is not kept.
/// </summary>
public sealed class DynamoStoredResponses(IAmazonDynamoDB db, string table) : IStoredResponses
{
    private const string Prefix = "response|";
    private const string Sort = "entry";
    private Task? _created;

    public static DynamoStoredResponses Create(StoreSettings s) => new(DynamoClients.Create(s), s.TablePrefix + "-spend");

    public int MaxDocumentBytes => 380 * 1024;

    private Task Ready() => LazyInitializer.EnsureInitialized(ref _created, () => DynamoClients.EnsureTableAsync(db, table, DynamoSpendKeys.ExpiresAt));

    public async ValueTask PutAsync(StoredResponse r, CancellationToken ct)
    {
        await Ready();
        var item = Key(Prefix + r.Id, Sort);
        item["owner"] = S(r.Owner);
        if (r.Team is not null) item["team"] = S(r.Team);
        if (r.Deployment is not null) item["deployment"] = S(r.Deployment);
        item["body"] = new AttributeValue { B = new MemoryStream(r.Document) };
        item["created_ms"] = N(r.CreatedAt.ToUnixTimeMilliseconds());
        item["expires_ms"] = N(r.ExpiresAt.ToUnixTimeMilliseconds());
        item[DynamoSpendKeys.ExpiresAt] = N(r.ExpiresAt.ToUnixTimeSeconds() + 1);
        await db.PutItemAsync(new PutItemRequest { TableName = table, Item = item }, ct);
    }

    public async ValueTask<StoredResponse?> GetAsync(string id, DateTimeOffset now, CancellationToken ct)
    {
        await Ready();
        var r = await db.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(Prefix + id, Sort), ConsistentRead = true }, ct);
        if (r.Item is not { Count: > 0 } item) return null;
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "expires_ms"));
        if (now >= expires) return null;
        return new StoredResponse(id, Str(item, "owner") ?? "", Str(item, "team"), Str(item, "deployment"),
            item.TryGetValue("body", out var body) && body.B is not null ? body.B.ToArray() : [],
            DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "created_ms")), expires);
    }

    public async ValueTask<bool> DeleteAsync(string id, CancellationToken ct)
    {
        await Ready();
        var r = await db.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = Key(Prefix + id, Sort), ReturnValues = ReturnValue.ALL_OLD }, ct);
        return r.Attributes is { Count: > 0 };
    }
}
