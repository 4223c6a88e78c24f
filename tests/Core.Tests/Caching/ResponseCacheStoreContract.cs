using Gateway.Caching;
using Gateway.Caching.Stores;
using Gateway.Keys;
using Gateway.Tests.Stores;

namespace Gateway.Tests.Caching;

/// <summary>
/// What every store behind <c>type: store</c> must do, against SQLite, Azurite and dynalite: keep and return an answer
/// byte for byte with its times and cost, never return it once expired, replace, delete and flush.
/// </summary>
public abstract class ResponseCacheStoreContract
{
    protected abstract IResponseCacheStore Store { get; }

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, 123, TimeSpan.Zero);

    private static string NewKey() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    private static CacheEntry Entry(int size, byte fill = 7, TimeSpan? ttl = null) =>
        new(Enumerable.Range(0, size).Select(i => (byte)(i * fill)).ToArray(), Now, Now + (ttl ?? TimeSpan.FromMinutes(5)), 0.012345678m);

    [Fact]
    public async Task An_entry_comes_back_byte_for_byte_until_it_expires()
    {
        var key = NewKey();
        Assert.Null(await Store.GetAsync(key, Now, default));
        var entry = Entry(200_000); // several 64 KiB parts in Table Storage
        await Store.SetAsync(key, entry, default);
        var back = await Store.GetAsync(key, Now.AddMinutes(4), default);
        Assert.NotNull(back);
        Assert.Equal(entry.Body, back!.Body);
        Assert.Equal(entry.StoredAt, back.StoredAt);
        Assert.Equal(entry.ExpiresAt, back.ExpiresAt);
        Assert.Equal(entry.Cost, back.Cost);
        Assert.Null(await Store.GetAsync(key, Now.AddMinutes(5), default));
    }

    [Fact]
    public async Task A_newer_answer_replaces_the_old_and_delete_and_flush_remove_them()
    {
        var (a, b, c) = (NewKey(), NewKey(), NewKey());
        await Store.SetAsync(a, Entry(10, 1), default);
        await Store.SetAsync(a, Entry(5, 3), default);
        Assert.Equal(Entry(5, 3).Body, (await Store.GetAsync(a, Now, default))!.Body);
        await Store.SetAsync(b, Entry(10), default);
        await Store.SetAsync(c, Entry(10), default);
        Assert.Equal(1, await Store.DeleteAsync([a, NewKey()], default));
        Assert.Null(await Store.GetAsync(a, Now, default));
        Assert.NotNull(await Store.GetAsync(b, Now, default));
        await Store.FlushAsync(default);
        Assert.Null(await Store.GetAsync(b, Now, default));
        Assert.Null(await Store.GetAsync(c, Now, default));
        Assert.True(await Store.PingAsync(default));
    }
}

public sealed class SqliteResponseCacheTests : ResponseCacheStoreContract
{
    protected override IResponseCacheStore Store { get; } = new SqliteResponseCache(Keys.KeyGateway.NewStorePath());

}

public sealed class TablesResponseCacheTests : ResponseCacheStoreContract
{
    protected override IResponseCacheStore Store { get; } = TableResponseCache.Create(new StoreSettings
    {
        Kind = "tables", TablesConnectionString = Emulators.AzuriteTablesConnectionString(), TablePrefix = Emulators.UniquePrefix(),
    });
}

public sealed class DynamoResponseCacheTests : ResponseCacheStoreContract
{
    protected override IResponseCacheStore Store { get; } = DynamoResponseCache.Create(new StoreSettings
    {
        Kind = "dynamodb", DynamoDbEndpoint = Emulators.DynaliteEndpoint(), AwsRegion = "us-east-1", TablePrefix = Emulators.UniquePrefix(),
    });
}
