using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Gateway.Spend;
using Gateway.Spend.Retention;
using Gateway.Stores.DynamoDb;
using Gateway.Tests.Stores;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Spend.Retention;

/// <summary>
/// Retention on DynamoDB is item TTL: every spend log item (per-key and per-day, from the ingest and from the stream
/// hand-off) carries <c>expires_at</c> = its call's start + the period in epoch seconds, rollup items carry none, and a
/// table the store creates gets TTL turned on for that attribute. dynalite never expires items, so these tests check
/// what DynamoDB acts on; infra/cdk's tables enable TTL on the same attribute (Infra.Aws.Tests).
/// </summary>
public sealed class DynamoRetentionTests
{
    private static readonly SpendLogRetention OneDay = new(new Limits.Period(86_400, 0), TimeSpan.FromDays(1));

    private static AmazonDynamoDBClient Client(string? endpoint = null) => new(new BasicAWSCredentials("local", "local"),
        new AmazonDynamoDBConfig { ServiceURL = endpoint ?? Emulators.DynaliteEndpoint(), AuthenticationRegion = "us-east-1" });

    private static async Task<List<Dictionary<string, AttributeValue>>> ItemsAsync(string table)
    {
        using var db = Client();
        var items = new List<Dictionary<string, AttributeValue>>();
        var request = new ScanRequest { TableName = table };
        do
        {
            var page = await db.ScanAsync(request);
            items.AddRange(page.Items);
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        } while (request.ExclusiveStartKey is not null);
        return items;
    }

    /// <summary>The call start an item's JSON records, plus <paramref name="period"/>, in epoch seconds: what its TTL must be.</summary>
    private static long ExpectedExpiry(Dictionary<string, AttributeValue> item, TimeSpan period)
    {
        using var json = JsonDocument.Parse(item["json"].S);
        return (json.RootElement.GetProperty("start_time").GetDateTimeOffset() + period).ToUnixTimeSeconds();
    }

    [Fact]
    public async Task Every_log_item_expires_a_period_after_its_call_and_rollups_never_do()
    {
        var table = Emulators.UniquePrefix() + "-spend";
        var store = new DynamoSpendStore(Client(), table, retention: OneDay);
        var events = SpendStoreContract.Sample(40, "ttl", new DateTimeOffset(2026, 8, 2, 22, 0, 0, TimeSpan.Zero));
        await store.IngestAsync(events);

        var items = await ItemsAsync(table);
        var logs = items.Where(i => i["pk"].S is ['k' or 'd', '|', ..]).ToList();
        Assert.Equal(events.Count * 2, logs.Count);
        Assert.All(logs, i => Assert.Equal(ExpectedExpiry(i, TimeSpan.FromDays(1)).ToString(System.Globalization.CultureInfo.InvariantCulture), i[DynamoSpendKeys.ExpiresAt].N));
        var rollups = items.Where(i => i["pk"].S.StartsWith("r|", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rollups);
        Assert.All(rollups, i => Assert.False(i.ContainsKey(DynamoSpendKeys.ExpiresAt)));
        Assert.Equal("expires_at", DynamoSpendKeys.ExpiresAt); // the literal infra/cdk's SharedStack.TtlAttribute is pinned to
    }

    [Fact]
    public async Task The_stream_hand_off_item_carries_the_ttl_and_forever_sets_none()
    {
        var table = Emulators.UniquePrefix() + "-spend";
        var events = SpendStoreContract.Sample(6, "app", new DateTimeOffset(2026, 8, 2, 10, 0, 0, TimeSpan.Zero));
        await new DynamoSpendStore(Client(), table, retention: OneDay with { Period = new Limits.Period(0, 1) }).AppendAsync(events.Take(3).ToList());
        await new DynamoSpendStore(Client(), table, retention: SpendLogRetention.Forever).AppendAsync(events.Skip(3).ToList());

        var items = (await ItemsAsync(table)).ToDictionary(i => i["id"].S);
        foreach (var e in events.Take(3))
            Assert.Equal(e.StartTime.AddMonths(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), items[e.Id][DynamoSpendKeys.ExpiresAt].N);
        foreach (var e in events.Skip(3)) Assert.False(items[e.Id].ContainsKey(DynamoSpendKeys.ExpiresAt));
    }

    [Fact]
    public async Task The_gateway_books_a_call_with_the_configured_period_as_its_ttl()
    {
        var prefix = Emulators.UniquePrefix();
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraGeneral: "  maximum_spend_logs_retention_period: 7d"), new Dictionary<string, string>
        {
            ["GATEWAY_STORE"] = "dynamodb",
            ["GATEWAY_DYNAMODB_ENDPOINT"] = Emulators.DynaliteEndpoint(),
            ["GATEWAY_TABLE_PREFIX"] = prefix,
            ["AWS_REGION"] = "us-east-1",
        });
        using var r = await gw.Http.PostAsJsonAsync("/v1/chat/completions", new { model = "mock", messages = new[] { new { role = "user", content = "hi" } } });
        r.EnsureSuccessStatusCode();

        var logs = (await ItemsAsync(prefix + "-spend")).Where(i => i["pk"].S is ['k' or 'd', '|', ..]).ToList();
        Assert.Equal(2, logs.Count);
        Assert.All(logs, i => Assert.Equal(ExpectedExpiry(i, TimeSpan.FromDays(7)).ToString(System.Globalization.CultureInfo.InvariantCulture), i[DynamoSpendKeys.ExpiresAt].N));
    }

    [Fact]
    public async Task A_table_the_store_creates_gets_ttl_on_expires_at()
    {
        // DynamoDB's JSON protocol in front of dynalite: UpdateTimeToLive (which dynalite lacks) is answered and
        // recorded here, everything else is passed through.
        using var dynalite = new HttpClient { BaseAddress = new Uri(Emulators.DynaliteEndpoint()) };
        await using var proxy = await FakeUpstream.StartAsync(async (ctx, req) =>
        {
            var target = req.Header("x-amz-target") ?? "";
            ctx.Response.ContentType = "application/x-amz-json-1.0";
            if (target.EndsWith(".UpdateTimeToLive", StringComparison.Ordinal))
            {
                using var body = JsonDocument.Parse(req.Body);
                await ctx.Response.WriteAsync(JsonSerializer.Serialize(new { TimeToLiveSpecification = body.RootElement.GetProperty("TimeToLiveSpecification") }));
                return;
            }
            using var forward = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(req.Body, Encoding.UTF8) };
            forward.Content.Headers.ContentType = new("application/x-amz-json-1.0");
            forward.Headers.TryAddWithoutValidation("X-Amz-Target", target);
            forward.Headers.TryAddWithoutValidation("Authorization", req.Header("authorization"));
            forward.Headers.TryAddWithoutValidation("X-Amz-Date", req.Header("x-amz-date"));
            using var answer = await dynalite.SendAsync(forward);
            ctx.Response.StatusCode = (int)answer.StatusCode;
            await ctx.Response.WriteAsync(await answer.Content.ReadAsStringAsync());
        });
        var table = Emulators.UniquePrefix() + "-spend";
        await new DynamoSpendStore(Client(proxy.BaseAddress.ToString()), table, retention: OneDay).InitializeAsync();

        var ttl = Assert.Single(proxy.Requests, q => q.Header("x-amz-target")!.EndsWith(".UpdateTimeToLive", StringComparison.Ordinal));
        using var sent = JsonDocument.Parse(ttl.Body);
        Assert.Equal(table, sent.RootElement.GetProperty("TableName").GetString());
        Assert.Equal("expires_at", sent.RootElement.GetProperty("TimeToLiveSpecification").GetProperty("AttributeName").GetString());
        Assert.True(sent.RootElement.GetProperty("TimeToLiveSpecification").GetProperty("Enabled").GetBoolean());
        Assert.Contains(proxy.Requests, q => q.Header("x-amz-target")!.EndsWith(".CreateTable", StringComparison.Ordinal));

        // A table that already exists is left as the deployment made it (its role may not even read TTL settings).
        await new DynamoSpendStore(Client(proxy.BaseAddress.ToString()), table, retention: OneDay).InitializeAsync();
        Assert.Single(proxy.Requests, q => q.Header("x-amz-target")!.EndsWith(".UpdateTimeToLive", StringComparison.Ordinal));
    }
}
