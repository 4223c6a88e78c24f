using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Gateway.Keys;
using static Gateway.Stores.DynamoDb.DynamoItems;

namespace Gateway.Stores.DynamoDb;

/// <summary>
/// DynamoDB store (low-level client). One item collection per subject (<c>pk</c>): its record and its <c>counter</c>
/// item, which also holds the subject's open reservations as attributes, so reserving and settling are each one
/// conditional <c>UpdateItem</c> per limited subject (key, team, user: atomic on one item; dynalite has no TransactWriteItems).
/// Aliases are items of their own so their uniqueness is a condition.
/// </summary>
public sealed partial class DynamoGovernanceStore(IAmazonDynamoDB db, string table) : IGovernanceStore
{
    private Task? _created;

    public static DynamoGovernanceStore Create(StoreSettings s)
    {
        var client = DynamoClients.Create(s);
        return new DynamoGovernanceStore(client, s.TablePrefix + "-governance");
    }

    public Task InitializeAsync(CancellationToken ct = default) => Ready();

    private Task Ready() => LazyInitializer.EnsureInitialized(ref _created, () => DynamoClients.EnsureTableAsync(db, table));

    // ---- records

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(string pk, string sk, CancellationToken ct)
    {
        await Ready();
        var r = await db.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(pk, sk), ConsistentRead = true }, ct);
        return r.Item is { Count: > 0 } item ? item : null;
    }

    private async Task<bool> TryPutAsync(Dictionary<string, AttributeValue> item, string? condition, CancellationToken ct)
    {
        await Ready();
        try
        {
            await db.PutItemAsync(new PutItemRequest { TableName = table, Item = item, ConditionExpression = condition }, ct);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async Task<bool> TryDeleteAsync(string pk, string sk, CancellationToken ct)
    {
        await Ready();
        try
        {
            await db.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = Key(pk, sk), ConditionExpression = "attribute_exists(pk)" }, ct);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task<KeyRecord?> GetKeyAsync(string hash, CancellationToken ct = default) =>
        Str(await GetAsync(Subjects.Key(hash), Record, ct), "json") is { } j ? JsonSerializer.Deserialize(j, KeysJson.Default.KeyRecord) : null;

    public async Task<KeyRecord?> FindKeyByAliasAsync(string alias, CancellationToken ct = default) =>
        Str(await GetAsync("alias:" + alias, "alias", ct), "hash") is { } hash ? await GetKeyAsync(hash, ct) : null;

    private static Dictionary<string, AttributeValue> KeyItem(KeyRecord key)
    {
        var item = Key(key.Subject, Record);
        item["json"] = S(JsonSerializer.Serialize(key, KeysJson.Default.KeyRecord));
        item["created"] = N(key.CreatedAt.ToUnixTimeMilliseconds());
        if (key.TeamId is { } t) item["team_id"] = S(t);
        if (key.UserId is { } u) item["user_id"] = S(u);
        return item;
    }

    private static Dictionary<string, AttributeValue> AliasItem(string alias, string hash)
    {
        var item = Key("alias:" + alias, "alias");
        item["hash"] = S(hash);
        return item;
    }

    public async Task<bool> CreateKeyAsync(KeyRecord key, CancellationToken ct = default)
    {
        if (key.Alias is { } alias && !await TryPutAsync(AliasItem(alias, key.Hash), "attribute_not_exists(pk)", ct)) return false;
        if (await TryPutAsync(KeyItem(key), "attribute_not_exists(pk)", ct)) return true;
        if (key.Alias is { } a) await TryDeleteAsync("alias:" + a, "alias", ct);
        return false;
    }

    public async Task<bool> UpdateKeyAsync(KeyRecord key, CancellationToken ct = default)
    {
        var current = await GetKeyAsync(key.Hash, ct);
        if (current is null) return false;
        if (key.Alias != current.Alias)
        {
            if (key.Alias is { } alias && !await TryPutAsync(AliasItem(alias, key.Hash), "attribute_not_exists(pk)", ct)) return false;
            if (current.Alias is { } old) await TryDeleteAsync("alias:" + old, "alias", ct);
        }
        return await TryPutAsync(KeyItem(key), "attribute_exists(pk)", ct);
    }

    public async Task<bool> DeleteKeyAsync(string hash, CancellationToken ct = default)
    {
        var current = await GetKeyAsync(hash, ct);
        if (current is null) return false;
        if (current.Alias is { } alias) await TryDeleteAsync("alias:" + alias, "alias", ct);
        return await TryDeleteAsync(current.Subject, Record, ct);
    }

    /// <summary>
    /// No cross-item transactions (dynalite has none), so the order keeps the old key working until the new one is
    /// stored: claim a changed alias (conditional put), add the new record (conditional put), move a kept alias's item
    /// (one item, so alias lookups switch at once), then delete the old record. If that delete keeps failing, the
    /// earlier steps are undone and the old key stays as it was.
    /// </summary>
    public async Task<KeyReplaceOutcome> ReplaceKeyAsync(string oldHash, KeyRecord replacement, CancellationToken ct = default)
    {
        var current = await GetKeyAsync(oldHash, ct);
        if (current is null) return KeyReplaceOutcome.NotFound;
        var keptAlias = replacement.Alias is not null && replacement.Alias == current.Alias;
        if (!keptAlias && replacement.Alias is { } claimed && !await TryPutAsync(AliasItem(claimed, replacement.Hash), "attribute_not_exists(pk)", ct))
            return KeyReplaceOutcome.AliasTaken;
        if (!await TryPutAsync(KeyItem(replacement), "attribute_not_exists(pk)", ct))
        {
            if (!keptAlias && replacement.Alias is { } undo) await TryDeleteAsync("alias:" + undo, "alias", ct);
            return KeyReplaceOutcome.HashTaken;
        }
        if (keptAlias) await TryPutAsync(AliasItem(replacement.Alias!, replacement.Hash), null, ct);
        if (!await DeleteWithRetriesAsync(current.Subject, ct))
        {
            if (keptAlias) await TryPutAsync(AliasItem(current.Alias!, current.Hash), null, ct);
            else if (replacement.Alias is { } undo) await TryDeleteAsync("alias:" + undo, "alias", ct);
            await TryDeleteAsync(replacement.Subject, Record, ct);
            return KeyReplaceOutcome.OldKeyKept;
        }
        if (!keptAlias && current.Alias is { } old) await TryDeleteAsync("alias:" + old, "alias", ct);
        return KeyReplaceOutcome.Replaced;
    }

    /// <summary>Three tries of deleting a record; already gone counts as done.</summary>
    private async Task<bool> DeleteWithRetriesAsync(string pk, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await TryDeleteAsync(pk, Record, ct);
                return true;
            }
            catch (AmazonDynamoDBException) when (attempt < 3)
            {
            }
            catch (AmazonDynamoDBException)
            {
                return false;
            }
        }
    }

    public async Task<KeyPage> ListKeysAsync(int page, int size, string? teamId, string? userId, CancellationToken ct = default)
    {
        await Ready();
        var filter = "sk = :record AND begins_with(pk, :key)";
        var values = new Dictionary<string, AttributeValue> { [":record"] = S(Record), [":key"] = S("key:") };
        if (teamId is not null) { filter += " AND team_id = :t"; values[":t"] = S(teamId); }
        if (userId is not null) { filter += " AND user_id = :u"; values[":u"] = S(userId); }
        var all = new List<(long Created, string Pk, string Json)>();
        await foreach (var item in ScanAsync(filter, values, ct)) all.Add((Long(item, "created"), Str(item, "pk")!, Str(item, "json")!));
        var keys = all.OrderBy(k => k.Created).ThenBy(k => k.Pk, StringComparer.Ordinal)
            .Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * size)).Take(size)
            .Select(k => JsonSerializer.Deserialize(k.Json, KeysJson.Default.KeyRecord)!).ToList();
        return new KeyPage(keys, all.Count);
    }

    public async Task<TeamRecord?> GetTeamAsync(string teamId, CancellationToken ct = default) =>
        Str(await GetAsync(Subjects.Team(teamId), Record, ct), "json") is { } j ? JsonSerializer.Deserialize(j, KeysJson.Default.TeamRecord) : null;

    public Task<bool> PutTeamAsync(TeamRecord team, bool create, CancellationToken ct = default) =>
        PutRecordAsync(team.Subject, JsonSerializer.Serialize(team, KeysJson.Default.TeamRecord), create, ct);

    public Task<bool> DeleteTeamAsync(string teamId, CancellationToken ct = default) => TryDeleteAsync(Subjects.Team(teamId), Record, ct);

    public async Task<IReadOnlyList<TeamRecord>> ListTeamsAsync(CancellationToken ct = default) =>
        (await ListRecordsAsync(Subjects.Team(""), j => JsonSerializer.Deserialize(j, KeysJson.Default.TeamRecord)!, ct)).OrderBy(t => t.TeamId, StringComparer.Ordinal).ToList();

    public async Task<UserRecord?> GetUserAsync(string userId, CancellationToken ct = default) =>
        Str(await GetAsync(Subjects.User(userId), Record, ct), "json") is { } j ? JsonSerializer.Deserialize(j, KeysJson.Default.UserRecord) : null;

    public Task<bool> PutUserAsync(UserRecord user, bool create, CancellationToken ct = default) =>
        PutRecordAsync(user.Subject, JsonSerializer.Serialize(user, KeysJson.Default.UserRecord), create, ct);

    public Task<bool> DeleteUserAsync(string userId, CancellationToken ct = default) => TryDeleteAsync(Subjects.User(userId), Record, ct);

    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct = default) =>
        (await ListRecordsAsync(Subjects.User(""), j => JsonSerializer.Deserialize(j, KeysJson.Default.UserRecord)!, ct)).OrderBy(u => u.UserId, StringComparer.Ordinal).ToList();

    public async Task<EndUserRecord?> GetEndUserAsync(string userId, CancellationToken ct = default) =>
        Str(await GetAsync(Subjects.EndUser(userId), Record, ct), "json") is { } j ? JsonSerializer.Deserialize(j, KeysJson.Default.EndUserRecord) : null;

    public Task<bool> PutEndUserAsync(EndUserRecord endUser, bool create, CancellationToken ct = default) =>
        PutRecordAsync(endUser.Subject, JsonSerializer.Serialize(endUser, KeysJson.Default.EndUserRecord), create, ct);

    public Task<bool> DeleteEndUserAsync(string userId, CancellationToken ct = default) => TryDeleteAsync(Subjects.EndUser(userId), Record, ct);

    public async Task<IReadOnlyList<EndUserRecord>> ListEndUsersAsync(CancellationToken ct = default) =>
        (await ListRecordsAsync(Subjects.EndUser(""), j => JsonSerializer.Deserialize(j, KeysJson.Default.EndUserRecord)!, ct)).OrderBy(u => u.UserId, StringComparer.Ordinal).ToList();

    /// <summary>The records of every subject whose name starts with <paramref name="prefix"/> (a filtered scan: teams and users are few).</summary>
    private async Task<List<T>> ListRecordsAsync<T>(string prefix, Func<string, T> map, CancellationToken ct)
    {
        var values = new Dictionary<string, AttributeValue> { [":record"] = S(Record), [":prefix"] = S(prefix) };
        var list = new List<T>();
        await foreach (var item in ScanAsync("sk = :record AND begins_with(pk, :prefix)", values, ct)) list.Add(map(Str(item, "json")!));
        return list;
    }

    /// <summary>Every item matching <paramref name="filter"/>, page by page (consistent reads).</summary>
    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> ScanAsync(string filter, Dictionary<string, AttributeValue> values,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await Ready();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var r = await db.ScanAsync(new ScanRequest
            {
                TableName = table, FilterExpression = filter, ExpressionAttributeValues = values, ExclusiveStartKey = start, ConsistentRead = true,
            }, ct);
            foreach (var item in r.Items ?? []) yield return item;
            start = r.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        } while (start is not null);
    }

    private Task<bool> PutRecordAsync(string subject, string json, bool create, CancellationToken ct)
    {
        var item = Key(subject, Record);
        item["json"] = S(json);
        return TryPutAsync(item, create ? "attribute_not_exists(pk)" : "attribute_exists(pk)", ct);
    }
}
