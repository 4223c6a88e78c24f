using Gateway.Http;
using Gateway.Keys;
using Gateway.Stores.Sqlite;
using Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Keys;

/// <summary>
/// Unknown bearer tokens are remembered for the cache TTL, so repeating one costs one store read per window, and the
/// memory for them stays bounded however many distinct keys arrive.
/// </summary>
public sealed class UnknownKeyCacheTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-unknown-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CountingStore _store;
    private readonly KeyCache _cache;
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    public UnknownKeyCacheTests()
    {
        _store = new CountingStore(new SqliteGovernanceStore(Path.Combine(_dir, "gateway.db")));
        _cache = new KeyCache(_store, _time, Ttl);
    }

    [Fact]
    public async Task The_same_unknown_key_costs_one_store_read_per_window()
    {
        await _store.InitializeAsync();
        var unknown = KeySecrets.NewKey();
        for (var i = 0; i < 50; i++)
        {
            var e = await Assert.ThrowsAsync<GatewayException>(() => _cache.ResolveAsync(unknown, default).AsTask());
            Assert.Equal(401, e.Status);
        }
        Assert.Equal(1, _store.KeyReads);

        _time.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<GatewayException>(() => _cache.ResolveAsync(unknown, default).AsTask());
        Assert.Equal(1, _store.KeyReads);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<GatewayException>(() => _cache.ResolveAsync(unknown, default).AsTask());
        Assert.Equal(2, _store.KeyReads);
    }

    [Fact]
    public async Task A_key_created_through_this_instance_works_at_once_after_being_refused()
    {
        await _store.InitializeAsync();
        var secret = KeySecrets.NewKey();
        await Assert.ThrowsAsync<GatewayException>(() => _cache.ResolveAsync(secret, default).AsTask());
        Assert.True(await _store.CreateKeyAsync(new KeyRecord { Hash = KeySecrets.Hash(secret), CreatedAt = _time.GetUtcNow() }));
        _cache.Invalidate(KeySecrets.Hash(secret)); // what /key/generate and /key/regenerate do after storing a key

        var caller = await _cache.ResolveAsync(secret, default);
        Assert.Equal(KeySecrets.Hash(secret), caller.Grant!.Key.Hash);
    }

    [Fact]
    public void The_set_stays_within_its_bound_under_many_distinct_keys()
    {
        var unknown = new UnknownKeyCache(_time, Ttl, capacity: 100);
        for (var i = 0; i < 10_000; i++)
        {
            unknown.Add("h" + i);
            Assert.True(unknown.Count <= 100);
        }
        Assert.True(unknown.IsKnownUnknown("h9999"));
    }

    [Fact]
    public void Expired_entries_are_evicted_first_when_full()
    {
        var unknown = new UnknownKeyCache(_time, Ttl, capacity: 3);
        unknown.Add("old1");
        unknown.Add("old2");
        _time.Advance(TimeSpan.FromSeconds(1));
        unknown.Add("fresh");
        _time.Advance(Ttl - TimeSpan.FromSeconds(0.5)); // old1 and old2 have expired, fresh has not
        unknown.Add("new");
        Assert.Equal(2, unknown.Count);
        Assert.True(unknown.IsKnownUnknown("fresh"));
        Assert.True(unknown.IsKnownUnknown("new"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
