using Gateway.Caching.Semantic;
using Gateway.Tests.Support;
using static Gateway.Tests.Caching.SemanticCacheTests;

namespace Gateway.Tests.Caching;

/// <summary>
/// Two gateways sharing one store with <c>type: semantic</c>: the second answers a paraphrase of what the first cached,
/// from the vectors it loads from the store on its first search, and picks up vectors added later within
/// <see cref="SemanticCache.RefreshInterval"/> (on a fake clock both share). One subclass per store.
/// </summary>
public abstract class SemanticCacheSharingTests
{
    protected abstract Dictionary<string, string> StoreEnvironment();

    [Fact]
    public async Task A_paraphrase_of_what_another_instance_cached_is_a_hit_and_later_vectors_arrive_within_the_refresh()
    {
        var answers = 0;
        await using var up = await UpstreamAsync(() => Interlocked.Increment(ref answers));
        var clock = TestClock.TenSecondsIntoAMinute();
        var env = StoreEnvironment();
        await using var a = await TestGateway.StartAsync(SemanticCacheTests.Config(up), env, TestClock.Use(clock));
        await using var b = await TestGateway.StartAsync(SemanticCacheTests.Config(up), env, TestClock.Use(clock));
        var (onA, onB) = (new Caller(a), new Caller(b));

        Assert.Equal("answer 1", (await onA.AskAsync("What is the capital of France?")).Content);
        var paraphrase = await onB.AskAsync("what's the capital city of France");
        Assert.True(paraphrase.Hit, paraphrase.ToString());
        Assert.Equal("answer 1", paraphrase.Content);

        // B has loaded the index: what A caches now reaches B at its next refresh, not before.
        Assert.Equal("answer 2", (await onA.AskAsync("What is the capital of Spain?")).Content);
        // (no-store: B keeps no answer of its own for this prompt, so the later hit can only come from A's vector)
        Assert.False((await onB.AskAsync("what's the capital city of Spain", extra: ",\"cache\":{\"no-store\":true}")).Hit);
        clock.Advance(SemanticCache.RefreshInterval);
        var later = await onB.AskAsync("What is the capital of Spain please");
        Assert.True(later.Hit, later.ToString());
        Assert.Equal("answer 2", later.Content);
        Assert.Equal(3, answers); // France on A, Spain on A, Spain on B (not kept)
    }
}

public sealed class SqliteSemanticCacheSharingTests : SemanticCacheSharingTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new() { ["GATEWAY_SQLITE_PATH"] = Keys.KeyGateway.NewStorePath() };
}

public sealed class TablesSemanticCacheSharingTests : SemanticCacheSharingTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "tables",
        ["GATEWAY_TABLES_CONNECTION_STRING"] = Stores.Emulators.AzuriteTablesConnectionString(),
        ["GATEWAY_TABLE_PREFIX"] = Stores.Emulators.UniquePrefix(),
    };
}

public sealed class DynamoDbSemanticCacheSharingTests : SemanticCacheSharingTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "dynamodb",
        ["GATEWAY_DYNAMODB_ENDPOINT"] = Stores.Emulators.DynaliteEndpoint(),
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["GATEWAY_TABLE_PREFIX"] = Stores.Emulators.UniquePrefix(),
    };
}
