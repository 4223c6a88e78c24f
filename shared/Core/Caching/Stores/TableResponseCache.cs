using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Data.Tables;
using Gateway.Keys;
using Gateway.Stores.Tables;

namespace Gateway.Caching.Stores;

/// <summary>
/// Cached answers in Table Storage: table <c>{prefix}responsecache</c>, one partition per cache key, the body split into
/// binary properties of at most 64 KiB (<c>Body</c>, <c>Body1</c>, ...). Table Storage has no TTL: an expired entity is
/// never served and is overwritten by the next answer for its key; <c>/cache/flush</c> deletes them all. An answer past
/// <see cref="MaxBodyBytes"/> (an entity holds at most 1 MiB) is not kept.
/// </summary>
public sealed class TableResponseCache(TableServiceClient service, string tableName, string? connectionString) : IResponseCacheStore
{
    public const int MaxBodyBytes = 900 * 1024;
    private const int PartBytes = 64 * 1024;
    private const string Row = "entry";
    private readonly TableClient _table = service.GetTableClient(tableName);
    private Task? _created;

    public static TableResponseCache Create(StoreSettings s) => new(TableClients.Create(s), s.TablePrefix + "responsecache", s.TablesConnectionString);

    public string Name => "tables";

    // As the other table stores: with an account key the table is created here, with an identity the deployment made it.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    private Task Ready() => LazyInitializer.EnsureInitialized(ref _created, () => connectionString is null
        ? Task.CompletedTask
        : TableCreator.CreateIfNotExistsAsync(connectionString, tableName, CancellationToken.None));

    public async ValueTask<CacheEntry?> GetAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        await Ready();
        var r = await _table.GetEntityIfExistsAsync<TableEntity>(key, Row, cancellationToken: ct);
        if (!r.HasValue || r.Value is not { } e) return null;
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(e.GetInt64("ExpiresMs") ?? 0);
        if (now >= expires) return null;
        var parts = e.GetInt32("Parts") ?? 0;
        var body = new byte[e.GetInt32("Length") ?? 0];
        var at = 0;
        for (var i = 0; i < parts; i++)
        {
            var part = e.GetBinary(PartName(i)) ?? [];
            part.CopyTo(body, at);
            at += part.Length;
        }
        return new CacheEntry(body, DateTimeOffset.FromUnixTimeMilliseconds(e.GetInt64("StoredMs") ?? 0), expires, Money.FromNanos(e.GetInt64("CostNanos") ?? 0));
    }

    public async ValueTask SetAsync(string key, CacheEntry entry, CancellationToken ct)
    {
        if (entry.Body.Length > MaxBodyBytes) return;
        await Ready();
        var e = new TableEntity(key, Row)
        {
            ["StoredMs"] = entry.StoredAt.ToUnixTimeMilliseconds(),
            ["ExpiresMs"] = entry.ExpiresAt.ToUnixTimeMilliseconds(),
            ["CostNanos"] = Money.ToNanos(entry.Cost),
            ["Length"] = entry.Body.Length,
        };
        var parts = 0;
        for (var at = 0; at < entry.Body.Length; at += PartBytes, parts++)
            e[PartName(parts)] = entry.Body.AsSpan(at, Math.Min(PartBytes, entry.Body.Length - at)).ToArray();
        e["Parts"] = parts;
        await _table.UpsertEntityAsync(e, TableUpdateMode.Replace, ct);
    }

    public async ValueTask<int> DeleteAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        await Ready();
        var n = 0;
        foreach (var key in keys)
        {
            var r = await _table.DeleteEntityAsync(key, Row, ETag.All, ct);
            if (r.Status != 404) n++;
        }
        return n;
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await Ready();
        var all = new List<string>();
        await foreach (var e in _table.QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1000, cancellationToken: ct)) all.Add(e.PartitionKey);
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (key, t) => await _table.DeleteEntityAsync(key, Row, ETag.All, t));
    }

    public async ValueTask<bool> PingAsync(CancellationToken ct)
    {
        await Ready();
        await _table.GetEntityIfExistsAsync<TableEntity>("ping", Row, select: ["PartitionKey"], cancellationToken: ct);
        return true;
    }

    private static string PartName(int i) => i == 0 ? "Body" : "Body" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
