using System.Net;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;

namespace Gateway.Functions.Aws.Tests;

/// <summary>
/// <c>POST /events</c>, the adapter's pass-through path (<c>AWS_LWA_PASS_THROUGH_PATH</c>): the adapter posts non-HTTP
/// events there from loopback without <c>x-amzn-request-context</c>, which only Function URL requests carry.
/// </summary>
public sealed class EventsTests
{
    [Fact]
    public async Task Stream_batch_reports_exactly_the_malformed_record_as_a_batch_item_failure()
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync();
        GatewayCalls.AnswerBedrock(gw, "Hi");
        var key = await GatewayCalls.GenerateKeyAsync(gw, "aws-stream");
        using (var client = gw.Client(key)) await GatewayCalls.CompleteAsync(client, LambdaGateway.BedrockModel);
        Assert.Single(await GatewayCalls.SpendLogsAsync(gw, key, 1));

        // The spend log item exactly as the store wrote it; the stream mapping passes only items with this tenant's attribute.
        var table = gw.TablePrefix + "-spend";
        using var db = LambdaGateway.Dynamo();
        var hash = GatewayCalls.Hash(key);
        var item = (await GatewayCalls.ScanAsync(db, table)).Single(i => i["pk"].S.StartsWith($"k|{hash}|", StringComparison.Ordinal));
        item.TryAdd("tenant", new AttributeValue { S = LambdaGateway.Tenant });
        var malformedImage = StreamRecords.Image(item);
        malformedImage["json"] = new JsonObject { ["S"] = """{"note":"not a spend event"}""" };

        const string good = "4421584500000000017450439091", bad = "4421584500000000017450439092", removed = "4421584500000000017450439093";
        var batch = StreamRecords.Batch(
            StreamRecords.Insert(table, good, item),
            StreamRecords.Insert(table, bad, item, malformedImage),
            StreamRecords.Remove(table, removed, item));

        using var adapter = gw.Client();
        var answer = await GatewayCalls.PostJsonAsync(adapter, "/events", batch.ToJsonString());
        var failures = answer["batchItemFailures"]!.AsArray();
        var failure = Assert.Single(failures);
        Assert.Equal(bad, failure!["itemIdentifier"]!.GetValue<string>());
        Assert.Equal(1, answer["spendEvents"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("reservation-sweep", "sweeper")]
    [InlineData("alert-sweep", "alerts")]
    public async Task Scheduled_events_run_their_job(string job, string answered)
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync();
        using var adapter = gw.Client();
        var answer = await GatewayCalls.PostJsonAsync(adapter, "/events", $$"""{"job":"{{job}}","tenant":"{{LambdaGateway.Tenant}}"}""");
        Assert.Equal(answered, answer["job"]!.GetValue<string>());
    }

    [Fact]
    public async Task Function_url_requests_to_events_need_the_master_key()
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync();
        const string schedule = """{"job":"alert-sweep","tenant":"t"}""";
        const string context = """{"accountId":"anonymous","apiId":"abc123","domainName":"abc123.lambda-url.us-west-2.on.aws","http":{"method":"POST","path":"/events","sourceIp":"203.0.113.7"}}""";

        using var viaUrl = gw.Client();
        viaUrl.DefaultRequestHeaders.Add("x-amzn-request-context", context);
        var denied = await GatewayCalls.PostJsonAsync(viaUrl, "/events", schedule, HttpStatusCode.Forbidden);
        Assert.Equal("permission_error", denied["error"]!["type"]!.GetValue<string>());

        using var master = gw.Client(gw.MasterKey);
        master.DefaultRequestHeaders.Add("x-amzn-request-context", context);
        await GatewayCalls.PostJsonAsync(master, "/events", schedule);
    }
}
