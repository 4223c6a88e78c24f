using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Gateway.Keys;

namespace Gateway.Stores.Tables;

/// <summary>
/// Azure Table Storage store. One partition per subject (<c>key:…</c>, <c>team:…</c>, <c>user:…</c>) holds its record,
/// its <c>counter</c> row and its reservation rows; counter changes are entity-group transactions conditioned on the
/// counter's ETag (412: re-read and retry). Aliases are their own rows so their uniqueness is enforced by the service.
/// </summary>
public sealed partial class TableGovernanceStore(TableServiceClient service, string tableName, string? connectionString = null) : IGovernanceStore
{
    private readonly TableClient table = service.GetTableClient(tableName);
    private Task? _created;

    public static TableGovernanceStore Create(StoreSettings s)
    {
        var service = TableClients.Create(s);
        return new TableGovernanceStore(service, s.TablePrefix + "governance", s.TablesConnectionString);
    }

    public Task InitializeAsync(CancellationToken ct = default) => Ready();

    // The SDK's create serializes with reflection, which AOT hosts disable: sign the one REST call ourselves when we
    // hold an account key; with a managed identity the deployment has created the table.
    // The SDK creates entities with Activator.CreateInstance<TableEntity>(); keep that constructor through trimming.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    private Task Ready() => LazyInitializer.EnsureInitialized(ref _created, () => connectionString is null
        ? Task.CompletedTask
        : TableCreator.CreateIfNotExistsAsync(connectionString, tableName, CancellationToken.None));

    // ---- records

    private async Task<T?> GetRecordAsync<T>(string subject, Func<string, T?> map, CancellationToken ct) where T : class
    {
        await Ready();
        var r = await table.GetEntityIfExistsAsync<TableEntity>(TableNames.Partition(subject), TableNames.Record, cancellationToken: ct);
        return r.HasValue ? map(r.Value!.GetString("Json")) : null;
    }

    public Task<KeyRecord?> GetKeyAsync(string hash, CancellationToken ct = default) =>
        GetRecordAsync(Subjects.Key(hash), j => JsonSerializer.Deserialize(j, KeysJson.Default.KeyRecord), ct);

    public async Task<KeyRecord?> FindKeyByAliasAsync(string alias, CancellationToken ct = default)
    {
        await Ready();
        var r = await table.GetEntityIfExistsAsync<TableEntity>(TableNames.Alias(alias), TableNames.AliasRow, cancellationToken: ct);
        return r.HasValue ? await GetKeyAsync(r.Value!.GetString("Hash"), ct) : null;
    }

    private static TableEntity KeyEntity(KeyRecord key) => new(TableNames.Partition(key.Subject), TableNames.Record)
    {
        ["Kind"] = "key",
        ["Json"] = JsonSerializer.Serialize(key, KeysJson.Default.KeyRecord),
        ["TeamId"] = key.TeamId,
        ["UserId"] = key.UserId,
        ["Created"] = key.CreatedAt.ToUnixTimeMilliseconds(),
    };

    public async Task<bool> CreateKeyAsync(KeyRecord key, CancellationToken ct = default)
    {
        await Ready();
        if (key.Alias is { } alias && !await TryAddAsync(new TableEntity(TableNames.Alias(alias), TableNames.AliasRow) { ["Hash"] = key.Hash }, ct)) return false;
        if (await TryAddAsync(KeyEntity(key), ct)) return true;
        if (key.Alias is { } a) await table.DeleteEntityAsync(TableNames.Alias(a), TableNames.AliasRow, ETag.All, ct);
        return false;
    }

    public async Task<bool> UpdateKeyAsync(KeyRecord key, CancellationToken ct = default)
    {
        var current = await GetKeyAsync(key.Hash, ct);
        if (current is null) return false;
        if (key.Alias != current.Alias)
        {
            if (key.Alias is { } alias && !await TryAddAsync(new TableEntity(TableNames.Alias(alias), TableNames.AliasRow) { ["Hash"] = key.Hash }, ct)) return false;
            if (current.Alias is { } old) await table.DeleteEntityAsync(TableNames.Alias(old), TableNames.AliasRow, ETag.All, ct);
        }
        try
        {
            await table.UpdateEntityAsync(KeyEntity(key), ETag.All, TableUpdateMode.Replace, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async Task<bool> DeleteKeyAsync(string hash, CancellationToken ct = default)
    {
        var current = await GetKeyAsync(hash, ct);
        if (current is null) return false;
        if (current.Alias is { } alias) await table.DeleteEntityAsync(TableNames.Alias(alias), TableNames.AliasRow, ETag.All, ct);
        var r = await table.DeleteEntityAsync(TableNames.Partition(current.Subject), TableNames.Record, ETag.All, ct);
        return r.Status is 204 or 200;
    }

    /// <summary>
    /// The key record and its alias row live in different partitions, so no entity-group transaction covers them. The
    /// order keeps the old key working until the new one is stored: claim a changed alias, add the new record, move a
    /// kept alias's row (one entity, so alias lookups switch at once), then delete the old record. If that delete keeps
    /// failing, the earlier steps are undone and the old key stays as it was.
    /// </summary>
    public async Task<KeyReplaceOutcome> ReplaceKeyAsync(string oldHash, KeyRecord replacement, CancellationToken ct = default)
    {
        var current = await GetKeyAsync(oldHash, ct);
        if (current is null) return KeyReplaceOutcome.NotFound;
        var keptAlias = replacement.Alias is not null && replacement.Alias == current.Alias;
        TableEntity AliasRow(string alias, string hash) => new(TableNames.Alias(alias), TableNames.AliasRow) { ["Hash"] = hash };
        if (!keptAlias && replacement.Alias is { } claimed && !await TryAddAsync(AliasRow(claimed, replacement.Hash), ct))
            return KeyReplaceOutcome.AliasTaken;
        if (!await TryAddAsync(KeyEntity(replacement), ct))
        {
            if (!keptAlias && replacement.Alias is { } undo) await table.DeleteEntityAsync(TableNames.Alias(undo), TableNames.AliasRow, ETag.All, ct);
            return KeyReplaceOutcome.HashTaken;
        }
        if (keptAlias) await table.UpsertEntityAsync(AliasRow(replacement.Alias!, replacement.Hash), TableUpdateMode.Replace, ct);
        if (!await RetryAsync(() => table.DeleteEntityAsync(TableNames.Partition(current.Subject), TableNames.Record, ETag.All, ct)))
        {
            if (keptAlias) await table.UpsertEntityAsync(AliasRow(current.Alias!, current.Hash), TableUpdateMode.Replace, ct);
            else if (replacement.Alias is { } undo) await table.DeleteEntityAsync(TableNames.Alias(undo), TableNames.AliasRow, ETag.All, ct);
            await table.DeleteEntityAsync(TableNames.Partition(replacement.Subject), TableNames.Record, ETag.All, ct);
            return KeyReplaceOutcome.OldKeyKept;
        }
        if (!keptAlias && current.Alias is { } old) await table.DeleteEntityAsync(TableNames.Alias(old), TableNames.AliasRow, ETag.All, ct);
        return KeyReplaceOutcome.Replaced;
    }

    /// <summary>Three tries of a delete; a 404 (already gone) counts as done.</summary>
    private static async Task<bool> RetryAsync(Func<Task<Response>> delete)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await delete();
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return true;
            }
            catch (RequestFailedException) when (attempt < 3)
            {
            }
            catch (RequestFailedException)
            {
                return false;
            }
        }
    }

    public async Task<KeyPage> ListKeysAsync(int page, int size, string? teamId, string? userId, CancellationToken ct = default)
    {
        await Ready();
        var filter = "PartitionKey ge 'key:' and PartitionKey lt 'key;' and RowKey eq 'record'";
        if (teamId is not null) filter += " and " + TableClient.CreateQueryFilter($"TeamId eq {teamId}");
        if (userId is not null) filter += " and " + TableClient.CreateQueryFilter($"UserId eq {userId}");
        var all = new List<(long Created, string Partition, string Json)>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["Created", "Json"], cancellationToken: ct))
            all.Add((e.GetInt64("Created") ?? 0, e.PartitionKey, e.GetString("Json")));
        var keys = all.OrderBy(k => k.Created).ThenBy(k => k.Partition, StringComparer.Ordinal)
            .Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * size)).Take(size)
            .Select(k => JsonSerializer.Deserialize(k.Json, KeysJson.Default.KeyRecord)!).ToList();
        return new KeyPage(keys, all.Count);
    }

    public Task<TeamRecord?> GetTeamAsync(string teamId, CancellationToken ct = default) =>
        GetRecordAsync(Subjects.Team(teamId), j => JsonSerializer.Deserialize(j, KeysJson.Default.TeamRecord), ct);

    public Task<bool> PutTeamAsync(TeamRecord team, bool create, CancellationToken ct = default) =>
        PutRecordAsync(team.Subject, JsonSerializer.Serialize(team, KeysJson.Default.TeamRecord), create, ct);

    public Task<bool> DeleteTeamAsync(string teamId, CancellationToken ct = default) => DeleteRecordAsync(Subjects.Team(teamId), ct);

    public async Task<IReadOnlyList<TeamRecord>> ListTeamsAsync(CancellationToken ct = default) =>
        (await ListRecordsAsync(Subjects.Team(""), j => JsonSerializer.Deserialize(j, KeysJson.Default.TeamRecord)!, ct)).OrderBy(t => t.TeamId, StringComparer.Ordinal).ToList();

    public Task<UserRecord?> GetUserAsync(string userId, CancellationToken ct = default) =>
        GetRecordAsync(Subjects.User(userId), j => JsonSerializer.Deserialize(j, KeysJson.Default.UserRecord), ct);

    public Task<bool> PutUserAsync(UserRecord user, bool create, CancellationToken ct = default) =>
        PutRecordAsync(user.Subject, JsonSerializer.Serialize(user, KeysJson.Default.UserRecord), create, ct);

    public Task<bool> DeleteUserAsync(string userId, CancellationToken ct = default) => DeleteRecordAsync(Subjects.User(userId), ct);

    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct = default) =>
        (await ListRecordsAsync(Subjects.User(""), j => JsonSerializer.Deserialize(j, KeysJson.Default.UserRecord)!, ct)).OrderBy(u => u.UserId, StringComparer.Ordinal).ToList();

    public Task<EndUserRecord?> GetEndUserAsync(string userId, CancellationToken ct = default) =>
        GetRecordAsync(Subjects.EndUser(userId), j => JsonSerializer.Deserialize(j, KeysJson.Default.EndUserRecord), ct);

    public Task<bool> PutEndUserAsync(EndUserRecord endUser, bool create, CancellationToken ct = default) =>
        PutRecordAsync(endUser.Subject, JsonSerializer.Serialize(endUser, KeysJson.Default.EndUserRecord), create, ct);

    public Task<bool> DeleteEndUserAsync(string userId, CancellationToken ct = default) => DeleteRecordAsync(Subjects.EndUser(userId), ct);

    public async Task<IReadOnlyList<EndUserRecord>> ListEndUsersAsync(CancellationToken ct = default) =>
        (await ListRecordsAsync(Subjects.EndUser(""), j => JsonSerializer.Deserialize(j, KeysJson.Default.EndUserRecord)!, ct)).OrderBy(u => u.UserId, StringComparer.Ordinal).ToList();

    private async Task<bool> DeleteRecordAsync(string subject, CancellationToken ct)
    {
        await Ready();
        // The SDK answers a missing entity with its 404 response rather than an exception.
        var r = await table.DeleteEntityAsync(TableNames.Partition(subject), TableNames.Record, ETag.All, ct);
        return r.Status is 204 or 200;
    }

    /// <summary>The records of every subject whose name starts with <paramref name="prefix"/> (one partition range scan).</summary>
    private async Task<List<T>> ListRecordsAsync<T>(string prefix, Func<string, T> map, CancellationToken ct)
    {
        await Ready();
        var start = TableNames.Partition(prefix);
        var end = start[..^1] + (char)(start[^1] + 1);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {start} and PartitionKey lt {end} and RowKey eq {TableNames.Record}");
        var list = new List<T>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["Json"], cancellationToken: ct)) list.Add(map(e.GetString("Json")));
        return list;
    }

    private async Task<bool> PutRecordAsync(string subject, string json, bool create, CancellationToken ct)
    {
        await Ready();
        var entity = new TableEntity(TableNames.Partition(subject), TableNames.Record) { ["Json"] = json };
        if (create) return await TryAddAsync(entity, ct);
        try
        {
            await table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Replace, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private async Task<bool> TryAddAsync(TableEntity entity, CancellationToken ct)
    {
        try
        {
            await table.AddEntityAsync(entity, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }
}
