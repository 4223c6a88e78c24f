using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Data.Tables;
using Gateway.Caching.Semantic;
using Gateway.Keys;
using Gateway.Stores.Tables;

namespace Gateway.Caching.Stores;

/// <summary>
/// Prompt vectors in the response cache's table: partition <c>vectors|{index}</c>, row key the answer's cache key, the
/// float16 blob in one binary property (at most 64 KiB: 32,768 dimensions). Table Storage has no TTL: an expired row is
/// never loaded, and is overwritten when its prompt is cached again.
/// </summary>
public sealed class TableSemanticVectors(TableServiceClient service, string tableName, string? connectionString) : ISemanticVectorStore
{
    private const string Prefix = "vectors|";
    private const int MaxBlobBytes = 64 * 1024;
    private readonly TableClient _table = service.GetTableClient(tableName);
    private Task? _created;

    public static TableSemanticVectors Create(StoreSettings s) => new(TableClients.Create(s), s.TablePrefix + "responsecache", s.TablesConnectionString);

    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    private Task Ready() => LazyInitializer.EnsureInitialized(ref _created, () => connectionString is null
        ? Task.CompletedTask
        : TableCreator.CreateIfNotExistsAsync(connectionString, tableName, CancellationToken.None));

    public async ValueTask AddAsync(string index, StoredVector v, CancellationToken ct)
    {
        var blob = HalfVectors.Encode(v.UnitVector);
        if (blob.Length > MaxBlobBytes) return;
        await Ready();
        await _table.UpsertEntityAsync(new TableEntity(Prefix + index, v.CacheKey)
        {
            ["Vector"] = blob,
            ["StoredMs"] = v.StoredAt.ToUnixTimeMilliseconds(),
            ["ExpiresMs"] = v.ExpiresAt.ToUnixTimeMilliseconds(),
        }, TableUpdateMode.Replace, ct);
    }

    public async ValueTask<IReadOnlyList<StoredVector>> LoadAsync(string index, DateTimeOffset since, DateTimeOffset now, int max, CancellationToken ct)
    {
        await Ready();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Prefix + index} and StoredMs gt {since.ToUnixTimeMilliseconds()} and ExpiresMs gt {now.ToUnixTimeMilliseconds()}");
        var list = new List<StoredVector>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
            if (HalfVectors.DecodeUnit(e.GetBinary("Vector")) is { } unit)
                list.Add(new StoredVector(e.RowKey, unit, DateTimeOffset.FromUnixTimeMilliseconds(e.GetInt64("StoredMs") ?? 0),
                    DateTimeOffset.FromUnixTimeMilliseconds(e.GetInt64("ExpiresMs") ?? 0)));
        // A partition comes back in row-key order: keep the newest.
        return list.Count <= max ? list.OrderByDescending(v => v.StoredAt).ToList() : list.OrderByDescending(v => v.StoredAt).Take(max).ToList();
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await Ready();
        // Every vector partition: "vectors|" up to (not including) "vectors}", the next character.
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Prefix} and PartitionKey lt {"vectors}"}");
        var all = new List<(string, string)>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], maxPerPage: 1000, cancellationToken: ct))
            all.Add((e.PartitionKey, e.RowKey));
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (k, t) => await _table.DeleteEntityAsync(k.Item1, k.Item2, ETag.All, t));
    }
}
