using System.Net;
using Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Keys;

/// <summary>
/// Two gateways sharing one store take 200 concurrent calls on one key. The budget and the rpm limit must hold
/// exactly across both: no overspend, no lost update, every refusal the right error. Run on every store.
/// </summary>
public abstract class SharedStoreConcurrencyTests : IAsyncLifetime
{
    // Both gateways read one clock the test controls, so all 200 calls fall in one rate window however long they take.
    private readonly FakeTimeProvider _clock = TestClock.TenSecondsIntoAMinute();
    private TestGateway _a = null!, _b = null!;

    /// <summary>The store settings both gateways get (GATEWAY_STORE and its connection settings).</summary>
    protected abstract Dictionary<string, string> StoreEnvironment();

    public async Task InitializeAsync()
    {
        var env = StoreEnvironment();
        _a = await KeyGateway.StartAsync(env, _clock);
        _b = await KeyGateway.StartAsync(env, _clock);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Budget_for_fifty_calls_admits_exactly_fifty_of_two_hundred()
    {
        // One output token at $0.001, reserved and charged exactly (max_tokens 1, mock answers one token): $0.05 = 50 calls.
        var key = await _a.GenerateAsync("""{"max_budget":0.05}""");
        var results = await RunAsync(key, 200, ",\"max_tokens\":1,\"mock_response\":\"ok\"");

        Assert.Equal(50, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.Status);
            Assert.Equal("budget_exceeded", r.ErrorType);
        });
        var info = await _b.InfoAsync(key);
        Assert.Equal(0.05m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        Assert.Equal(0, info.GetProperty("parallel_requests").GetInt64());
    }

    [Fact]
    public async Task Rpm_of_thirty_holds_across_both_gateways()
    {
        var key = await _a.GenerateAsync("""{"rpm_limit":30}""");
        var results = await RunAsync(key, 200, "");
        Assert.Equal(30, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.Status);
            Assert.Equal("rate_limit_error", r.ErrorType);
            Assert.NotNull(r.RetryAfter);
        });
    }

    private async Task<(HttpStatusCode Status, string? ErrorType, string? RetryAfter)[]> RunAsync(string key, int count, string extra)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 100 }) { Timeout = TimeSpan.FromSeconds(120) };
        var start = new TaskCompletionSource();
        var calls = Enumerable.Range(0, count).Select(async i =>
        {
            await start.Task;
            using var r = await (i % 2 == 0 ? _a : _b).ChatAsync(key, extra: extra, http: http);
            var type = r.IsSuccessStatusCode ? null : (await KeyGateway.ErrorOf(r)).GetProperty("type").GetString();
            return (r.StatusCode, type, r.Headers.RetryAfter?.ToString());
        }).ToArray();
        start.SetResult();
        return await Task.WhenAll(calls);
    }
}

public sealed class SqliteSharedStoreConcurrencyTests : SharedStoreConcurrencyTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new() { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() };
}

public sealed class TablesSharedStoreConcurrencyTests : SharedStoreConcurrencyTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "tables",
        ["GATEWAY_TABLES_CONNECTION_STRING"] = Stores.Emulators.AzuriteTablesConnectionString(),
        ["GATEWAY_TABLE_PREFIX"] = Stores.Emulators.UniquePrefix(),
    };
}

public sealed class DynamoDbSharedStoreConcurrencyTests : SharedStoreConcurrencyTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "dynamodb",
        ["GATEWAY_DYNAMODB_ENDPOINT"] = Stores.Emulators.DynaliteEndpoint(),
        ["AWS_REGION"] = "us-east-1",
        ["GATEWAY_TABLE_PREFIX"] = Stores.Emulators.UniquePrefix(),
    };
}
