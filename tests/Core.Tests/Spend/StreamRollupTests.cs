using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Gateway.Spend.Ingest;
using Gateway.Tests.Stores;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Spend;

/// <summary>
/// GATEWAY_SPEND_ROLLUPS=stream on DynamoDB: the hand-off before the response is one conditional write of the log item;
/// the table's stream, delivered to /events as DynamoDB Streams records, adds the per-day index and the rollups, once
/// however often the records are redelivered. dynalite has no streams, so the test builds the records from the items.
/// </summary>
public sealed class StreamRollupTests
{
    [Fact]
    public async Task The_stream_finishes_the_ingest_exactly_once()
    {
        var prefix = Emulators.UniquePrefix();
        await using var gw = await TestGateway.StartAsync(Yaml.Config(), new Dictionary<string, string>
        {
            ["GATEWAY_STORE"] = "dynamodb",
            ["GATEWAY_DYNAMODB_ENDPOINT"] = Emulators.DynaliteEndpoint(),
            ["GATEWAY_TABLE_PREFIX"] = prefix,
            ["AWS_REGION"] = "us-east-1",
            ["GATEWAY_TENANT"] = "acme",
            ["GATEWAY_SPEND_ROLLUPS"] = "stream",
        });
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var r = await gw.Http.PostAsync("/v1/chat/completions", new StringContent(
                """{"model":"mock","messages":[{"role":"user","content":"hi"}],"mock_response":"priced"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            ids.Add(r.Headers.GetValues("x-gateway-request-id").Single());
        }
        var store = gw.Services.GetRequiredService<ISpendStore>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        async Task<long> RequestsAsync() => (await store.QueryRollupsAsync(new RollupQuery(SpendDimensions.Model, today.AddDays(-1), today, "mock"))).Sum(r => r.Requests);

        // The hand-off wrote the per-key log items only.
        using var db = new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = Emulators.DynaliteEndpoint(), AuthenticationRegion = "us-east-1" });
        var items = (await db.ScanAsync(new ScanRequest { TableName = prefix + "-spend" })).Items;
        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.StartsWith("k|", i["pk"].S));
        Assert.All(items, i => Assert.Equal("acme", i["tenant"].S));
        Assert.Equal(0, await RequestsAsync());

        // The stream delivers the INSERTs (twice, as Lambda may), plus a record that is not a spend item.
        var records = new JsonArray();
        var seq = 100;
        foreach (var item in items)
            records.Add(new JsonObject
            {
                ["eventID"] = Guid.NewGuid().ToString("N"),
                ["eventName"] = "INSERT",
                ["eventVersion"] = "1.1",
                ["eventSource"] = "aws:dynamodb",
                ["awsRegion"] = "us-east-1",
                ["dynamodb"] = new JsonObject
                {
                    ["Keys"] = new JsonObject { ["pk"] = new JsonObject { ["S"] = item["pk"].S }, ["sk"] = new JsonObject { ["S"] = item["sk"].S } },
                    ["NewImage"] = new JsonObject(item.Where(kv => kv.Value.S is not null).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonObject { ["S"] = kv.Value.S }))),
                    ["SequenceNumber"] = (seq++).ToString(),
                    ["SizeBytes"] = 512,
                    ["StreamViewType"] = "NEW_IMAGE",
                },
                ["eventSourceARN"] = $"arn:aws:dynamodb:us-east-1:123456789012:table/{prefix}-spend/stream/2026-11-25T00:00:00.000",
            });
        var batch = new JsonObject { ["Records"] = records }.ToJsonString();
        using var plain = new HttpClient { BaseAddress = gw.BaseAddress };
        for (var delivery = 0; delivery < 2; delivery++)
        {
            using var r = await plain.PostAsync("/events", new StringContent(batch, Encoding.UTF8, "application/json"));
            var text = await r.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Empty(JsonNode.Parse(text)!["batchItemFailures"]!.AsArray());
            Assert.Equal(3, await RequestsAsync());
        }
        var page = await store.QueryLogsAsync(new SpendLogQuery(today.AddDays(-1), today) { Limit = 10 });
        Assert.Equal(ids.Order(), page.Items.Select(e => e.Id).Order()); // the per-day index is there too
    }
}
