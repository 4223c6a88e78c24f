using System.Numerics.Tensors;
using Gateway.Caching.Semantic;
using Gateway.Caching.Stores;
using Gateway.Keys;
using Gateway.Tests.Stores;

namespace Gateway.Tests.Caching;

/// <summary>
/// What every store behind <c>type: semantic</c> must do with prompt vectors, against SQLite, Azurite and dynalite: keep
/// them as float16 (a cosine moves by under 0.001), return an index's live vectors newest first and only those stored
/// after a point, keep indexes apart, and flush.
/// </summary>
public abstract class SemanticVectorStoreContract
{
    protected abstract ISemanticVectorStore Store { get; }

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Random Rng = new(7);

    private static float[] Unit(int dims = 1536)
    {
        var v = new float[dims];
        for (var i = 0; i < dims; i++) v[i] = (float)(Rng.NextDouble() * 2 - 1);
        return SemanticIndex.Normalize(v)!;
    }

    private static string Key() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    [Fact]
    public async Task Vectors_come_back_as_float16_close_to_the_original_newest_first_and_only_live_ones()
    {
        var index = Key();
        var original = Unit();
        var (a, b, old) = (Key(), Key(), Key());
        await Store.AddAsync(index, new StoredVector(a, original, Now, Now.AddMinutes(10)), default);
        await Store.AddAsync(index, new StoredVector(b, Unit(), Now.AddSeconds(5), Now.AddMinutes(10)), default);
        await Store.AddAsync(index, new StoredVector(old, Unit(), Now.AddSeconds(-5), Now.AddSeconds(1)), default);
        await Store.AddAsync(Key(), new StoredVector(Key(), Unit(), Now, Now.AddMinutes(10)), default); // another index

        var live = await Store.LoadAsync(index, DateTimeOffset.MinValue, Now.AddSeconds(2), 100, default);
        Assert.Equal([b, a], live.Select(v => v.CacheKey)); // old has expired
        var back = live.Single(v => v.CacheKey == a);
        Assert.Equal(1536, back.UnitVector.Length);
        Assert.InRange(TensorPrimitives.Dot(original, back.UnitVector), 0.999f, 1.0001f);
        Assert.Equal(Now, back.StoredAt);
        Assert.Equal(Now.AddMinutes(10), back.ExpiresAt);

        Assert.Equal([b], (await Store.LoadAsync(index, Now, Now, 100, default)).Select(v => v.CacheKey)); // stored after Now only
        Assert.Equal([b], (await Store.LoadAsync(index, DateTimeOffset.MinValue, Now.AddSeconds(2), 1, default)).Select(v => v.CacheKey));
    }

    [Fact]
    public async Task A_prompt_cached_again_replaces_its_vector_and_flush_removes_them_all()
    {
        var index = Key();
        var key = Key();
        await Store.AddAsync(index, new StoredVector(key, Unit(8), Now, Now.AddMinutes(1)), default);
        var second = Unit(8);
        await Store.AddAsync(index, new StoredVector(key, second, Now.AddSeconds(1), Now.AddMinutes(2)), default);
        var back = Assert.Single(await Store.LoadAsync(index, DateTimeOffset.MinValue, Now, 100, default));
        Assert.InRange(TensorPrimitives.Dot(second, back.UnitVector), 0.999f, 1.0001f);
        Assert.Equal(Now.AddMinutes(2), back.ExpiresAt);

        await Store.FlushAsync(default);
        Assert.Empty(await Store.LoadAsync(index, DateTimeOffset.MinValue, Now, 100, default));
    }
}

public sealed class SqliteSemanticVectorTests : SemanticVectorStoreContract
{
    protected override ISemanticVectorStore Store { get; } = new SqliteSemanticVectors(Keys.KeyGateway.NewStorePath());
}

public sealed class TablesSemanticVectorTests : SemanticVectorStoreContract
{
    protected override ISemanticVectorStore Store { get; } = TableSemanticVectors.Create(new StoreSettings
    {
        Kind = "tables", TablesConnectionString = Emulators.AzuriteTablesConnectionString(), TablePrefix = Emulators.UniquePrefix(),
    });
}

public sealed class DynamoSemanticVectorTests : SemanticVectorStoreContract
{
    protected override ISemanticVectorStore Store { get; } = DynamoSemanticVectors.Create(new StoreSettings
    {
        Kind = "dynamodb", DynamoDbEndpoint = Emulators.DynaliteEndpoint(), AwsRegion = "us-east-1", TablePrefix = Emulators.UniquePrefix(),
    });
}
