using System.Net;
using Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Keys;

/// <summary>
/// Two gateways sharing one store take 200 concurrent calls. A key's budget and rpm limit, a key's budget on one model,
/// and an end user's budget across several keys must hold exactly across both gateways: no overspend, no lost update,
/// every refusal the right error. Run on every store.
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
        var results = await RunAsync(key, 200, OneToken);

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

    [Fact]
    public async Task A_model_max_budget_for_fifty_calls_admits_exactly_fifty_of_that_model_and_leaves_others_open()
    {
        var key = await _a.GenerateAsync("""{"model_max_budget":{"priced":{"budget_limit":0.05,"time_period":"1d"}}}""");
        var results = await RunAsync(key, 200, OneToken);

        Assert.Equal(50, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal("budget_exceeded", r.ErrorType));
        using (var other = await _b.ChatAsync(key, model: "other")) Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        var info = await _b.InfoAsync(key);
        Assert.Equal(0.05m, info.GetProperty("model_spend").GetProperty("priced").GetDecimal());
        Assert.Equal(0.05m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        Assert.Equal(0, info.GetProperty("parallel_requests").GetInt64());
    }

    [Fact]
    public async Task An_end_user_budget_for_fifty_calls_admits_exactly_fifty_across_four_keys()
    {
        var endUser = "eu-" + Guid.NewGuid().ToString("N");
        await _a.PostAsync("/customer/new", $$"""{"user_id":"{{endUser}}","max_budget":0.05}""");
        var keys = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _a.GenerateAsync()));
        var results = await RunAsync(keys, 200, OneToken + $",\"user\":\"{endUser}\"");

        Assert.Equal(50, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal("budget_exceeded", r.ErrorType));
        var info = await _b.GetJsonAsync("/customer/info?end_user_id=" + endUser);
        Assert.Equal(0.05m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        // The keys together paid for exactly the fifty calls; another end user is still served.
        var spent = 0m;
        foreach (var key in keys) spent += (await _b.InfoAsync(key)).GetProperty("spend").GetDecimal();
        Assert.Equal(0.05m, spent);
        using var other = await _a.ChatAsync(keys[0], extra: OneToken + ",\"user\":\"someone-else\"");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Cap_mode_lowers_calls_to_what_is_left_and_spends_the_budget_exactly_never_above()
    {
        // No max_tokens: each call's worst case is 100 output tokens ($0.10), twice the whole budget. Reserve refuses
        // all 200; cap lowers each to what is left and serves it (the mock answers one token, $0.001). The concurrent
        // burst may refuse calls while others hold the room; calling on one at a time then fills the budget to the cent.
        var cap = await _a.GenerateAsync("""{"max_budget":0.05}""");
        var reserve = await _a.GenerateAsync("""{"max_budget":0.05,"budget_enforcement":"reserve"}""");
        var capped = await RunAsync(cap, 200, Mock);
        var reserved = await RunAsync(reserve, 200, Mock);

        Assert.Equal(0, reserved.Count(r => r.Status == HttpStatusCode.OK));
        var burst = capped.Count(r => r.Status == HttpStatusCode.OK);
        Assert.InRange(burst, 1, 50);
        Assert.All(capped.Concat(reserved).Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal("budget_exceeded", r.ErrorType));
        var afterBurst = (await _b.InfoAsync(cap)).GetProperty("spend").GetDecimal();
        Assert.Equal(burst * 0.001m, afterBurst);

        var more = 0;
        for (; more < 60; more++)
        {
            using var r = await (more % 2 == 0 ? _a : _b).ChatAsync(cap, extra: Mock);
            if (r.StatusCode != HttpStatusCode.OK) break;
            Assert.True(r.Headers.Contains("x-gateway-max-tokens-capped"));
        }
        Assert.Equal(50, burst + more);
        var info = await _b.InfoAsync(cap);
        Assert.Equal(0.05m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        Assert.Equal(0, info.GetProperty("parallel_requests").GetInt64());
    }

    /// <summary>The mock's one-token answer, with no output cap from the client.</summary>
    private const string Mock = ",\"mock_response\":\"ok\"";

    /// <summary>One output token at $0.001, reserved and charged exactly (the mock answers one token).</summary>
    private const string OneToken = ",\"max_tokens\":1,\"mock_response\":\"ok\"";

    private Task<(HttpStatusCode Status, string? ErrorType, string? RetryAfter)[]> RunAsync(string key, int count, string extra) => RunAsync([key], count, extra);

    /// <summary><paramref name="count"/> calls at once, alternating gateways and cycling through <paramref name="keys"/>.</summary>
    private async Task<(HttpStatusCode Status, string? ErrorType, string? RetryAfter)[]> RunAsync(string[] keys, int count, string extra)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 100 }) { Timeout = TimeSpan.FromSeconds(120) };
        var start = new TaskCompletionSource();
        var calls = Enumerable.Range(0, count).Select(async i =>
        {
            await start.Task;
            using var r = await (i % 2 == 0 ? _a : _b).ChatAsync(keys[i / 2 % keys.Length], extra: extra, http: http);
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
