using Gateway.Tests.Keys;
using Gateway.Tests.Stores;
using Gateway.Tests.Support;

namespace Gateway.Tests.Caching;

/// <summary>
/// <c>type: store</c> end to end on each store, with two gateway instances sharing it (each with its own memory front)
/// and one clock the test moves: what the first keeps the second serves, TTLs hold in the store (not only in a front),
/// <c>no-cache</c> and <c>no-store</c> behave as with the local cache, and a flush empties the store for everyone.
/// </summary>
public abstract class StoreCacheTests : IAsyncLifetime
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = TestClock.TenSecondsIntoAMinute();
    private CacheGateway _a = null!, _b = null!;

    protected abstract Dictionary<string, string> StoreEnvironment();

    public async Task InitializeAsync()
    {
        var env = StoreEnvironment();
        _a = await CacheGateway.StartAsync("type: store\nttl: 120", _clock, env);
        _b = await CacheGateway.StartAsync("type: store\nttl: 120", _clock, env);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task What_one_instance_keeps_the_other_serves_with_the_same_content()
    {
        var miss = await _a.ChatAsync(CacheGateway.Chat(content: "shared"));
        var hit = await _b.ChatAsync(CacheGateway.Chat(content: "shared"));
        Assert.True(hit.Hit, hit.ToString());
        Assert.Equal(0, _b.UpstreamCalls);
        Assert.Equal(miss.Content, hit.Content);
        var (id1, c1, id2, c2) = (miss.Json.GetProperty("id").GetString()!, miss.Json.GetProperty("created").GetInt64(),
            hit.Json.GetProperty("id").GetString()!, hit.Json.GetProperty("created").GetInt64());
        Assert.NotEqual(id1, id2);
        Assert.Equal(miss.Body, hit.Body.Replace(id2, id1).Replace($"\"created\":{c2}", $"\"created\":{c1}"));
        var ping = await _b.Gw.GetJsonAsync("/cache/ping");
        Assert.Equal("store", ping.GetProperty("cache_type").GetString());
    }

    [Fact]
    public async Task The_ttl_holds_in_the_store()
    {
        await _a.ChatAsync(CacheGateway.Chat(content: "ttl"));
        _clock.Advance(TimeSpan.FromSeconds(100));
        Assert.True((await _b.ChatAsync(CacheGateway.Chat(content: "ttl"))).Hit);       // b reads the store (its front was empty)
        _clock.Advance(TimeSpan.FromSeconds(21));                                        // 121 s: expired everywhere
        Assert.False((await _b.ChatAsync(CacheGateway.Chat(content: "ttl"))).Hit);
        await _a.ChatAsync(CacheGateway.Chat(content: "own ttl", extra: ""","cache":{"ttl":10}"""));
        _clock.Advance(TimeSpan.FromSeconds(11));
        Assert.False((await _b.ChatAsync(CacheGateway.Chat(content: "own ttl"))).Hit);
    }

    [Fact]
    public async Task No_cache_and_no_store_behave_as_documented()
    {
        await _b.ChatAsync(CacheGateway.Chat(content: "warm-up"));                       // b's upstream now answers "answer 2"
        Assert.Equal("answer 1", (await _a.ChatAsync(CacheGateway.Chat(content: "controls"))).Content);
        var fresh = await _b.ChatAsync(CacheGateway.Chat(content: "controls", extra: ""","cache":{"no-cache":true}"""));
        Assert.False(fresh.Hit);
        Assert.Equal("answer 2", fresh.Content);
        _clock.Advance(StoreCacheFront);                                                 // a's front forgets; the store has b's answer
        var replaced = await _a.ChatAsync(CacheGateway.Chat(content: "controls"));
        Assert.True(replaced.Hit);
        Assert.Equal("answer 2", replaced.Content);

        await _a.ChatAsync(CacheGateway.Chat(content: "unstored", extra: ""","cache":{"no-store":true}"""));
        Assert.False((await _b.ChatAsync(CacheGateway.Chat(content: "unstored"))).Hit);
    }

    [Fact]
    public async Task A_flush_on_one_instance_empties_the_store_for_a_new_one()
    {
        await _a.ChatAsync(CacheGateway.Chat(content: "flush"));
        await _a.Gw.PostAsync("/cache/flush", "{}");
        Assert.False((await _b.ChatAsync(CacheGateway.Chat(content: "flush"))).Hit);
    }

    private static readonly TimeSpan StoreCacheFront = Gateway.Caching.Stores.StoreResponseCache.FrontLifetime + TimeSpan.FromSeconds(1);
}

public sealed class SqliteStoreCacheTests : StoreCacheTests
{
    private readonly string _path = KeyGateway.NewStorePath();
    protected override Dictionary<string, string> StoreEnvironment() => new() { ["GATEWAY_SQLITE_PATH"] = _path };
}

public sealed class TablesStoreCacheTests : StoreCacheTests
{
    private readonly string _prefix = Emulators.UniquePrefix();
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "tables", ["GATEWAY_TABLES_CONNECTION_STRING"] = Emulators.AzuriteTablesConnectionString(), ["GATEWAY_TABLE_PREFIX"] = _prefix,
    };
}

public sealed class DynamoStoreCacheTests : StoreCacheTests
{
    private readonly string _prefix = Emulators.UniquePrefix();
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "dynamodb", ["GATEWAY_DYNAMODB_ENDPOINT"] = Emulators.DynaliteEndpoint(), ["AWS_REGION"] = "us-east-1", ["GATEWAY_TABLE_PREFIX"] = _prefix,
    };
}
