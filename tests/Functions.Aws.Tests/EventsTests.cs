using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;

namespace Gateway.Functions.Aws.Tests;

/// <summary>
/// <c>POST /events</c>, the adapter's pass-through path (<c>AWS_LWA_PASS_THROUGH_PATH</c>), driven with the exact requests
/// the Lambda Web Adapter makes (<see cref="LambdaWebAdapter"/>): non-HTTP events arrive from loopback with
/// <c>x-amzn-request-context: null</c>; Function URL requests arrive with the JSON request context and AWS's forwarding
/// headers, and need the master key.
/// </summary>
public sealed class EventsTests
{
    private static Dictionary<string, string> StreamRollups(Dictionary<string, string> env)
    {
        env["GATEWAY_SPEND_ROLLUPS"] = "stream"; // as infra/cdk sets it: the table's stream finishes the ingest
        return env;
    }

    [Fact]
    public async Task Stream_batch_from_the_adapter_writes_the_rollups_once_and_fails_only_the_malformed_record()
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync(env => StreamRollups(env));
        GatewayCalls.AnswerBedrock(gw, "Hi");
        var key = await GatewayCalls.GenerateKeyAsync(gw, "aws-stream");
        using (var client = gw.Client(key)) await GatewayCalls.CompleteAsync(client, LambdaGateway.BedrockModel);
        var requestId = Assert.Single(await GatewayCalls.SpendLogsAsync(gw, key, 1))!["id"]!.GetValue<string>();

        // The spend log item exactly as the store wrote it; the stream mapping passes only items with this tenant's attribute.
        var table = gw.TablePrefix + "-spend";
        using var db = LambdaGateway.Dynamo();
        var hash = GatewayCalls.Hash(key);
        var before = await GatewayCalls.ScanAsync(db, table);
        var item = before.Single(i => i["pk"].S.StartsWith($"k|{hash}|", StringComparison.Ordinal));
        Assert.Equal(LambdaGateway.Tenant, item["tenant"].S);
        Assert.DoesNotContain(before, KeyRollup(hash)); // stream mode: nothing but the log item before the stream runs
        var malformedImage = StreamRecords.Image(item);
        malformedImage["json"] = new JsonObject { ["S"] = """{"note":"not a spend event"}""" };

        const string good = "4421584500000000017450439091", bad = "4421584500000000017450439092", removed = "4421584500000000017450439093";
        var batch = StreamRecords.Batch(
            StreamRecords.Insert(table, good, item),
            StreamRecords.Insert(table, bad, item, malformedImage),
            StreamRecords.Remove(table, removed, item)).ToJsonString();

        for (var delivery = 0; delivery < 2; delivery++) // Lambda redelivers a batch whose failures it retries
        {
            var (status, answer) = await LambdaWebAdapter.SendAsync(gw, LambdaWebAdapter.PassThrough(batch));
            Assert.True(status == HttpStatusCode.OK, answer.ToJsonString());
            var failure = Assert.Single(answer["batchItemFailures"]!.AsArray());
            Assert.Equal(bad, failure!["itemIdentifier"]!.GetValue<string>());
            Assert.Equal(1, answer["spendEvents"]!.GetValue<int>());

            var after = await GatewayCalls.ScanAsync(db, table);
            var rollup = Assert.Single(after, KeyRollup(hash));
            Assert.Equal("1", rollup["Requests"].N);
            Assert.Single(after, i => i["pk"].S.StartsWith("d|", StringComparison.Ordinal) && i["id"]?.S == requestId);
        }
    }

    private static Predicate<Dictionary<string, AttributeValue>> KeyRollup(string hash) =>
        i => i["pk"].S.StartsWith("r|key|", StringComparison.Ordinal) && i["sk"].S == "v|" + hash;

    /// <summary>
    /// What Lambda receives from an EventBridge schedule: the stack's constant target input (infra/cdk GatewayStack,
    /// <c>RuleTargetInput.FromObject</c>, which replaces the event), or, for a rule without one, the Scheduled Event
    /// itself (EventBridge user guide, "Amazon EventBridge events": version, id, detail-type, source, account, time,
    /// region, resources, detail) whose rule name CloudFormation derives from the construct id.
    /// </summary>
    private static string ScheduledPayload(string form, string job, string ruleId) => form == "target-input"
        ? $$"""{"job":"{{job}}","tenant":"{{LambdaGateway.Tenant}}"}"""
        : new JsonObject
        {
            ["version"] = "0",
            ["id"] = Guid.NewGuid().ToString(),
            ["detail-type"] = "Scheduled Event",
            ["source"] = "aws.events",
            ["account"] = "123456789012",
            ["time"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["region"] = Gateway.Tests.Support.FakeBedrock.Region,
            ["resources"] = new JsonArray($"arn:aws:events:{Gateway.Tests.Support.FakeBedrock.Region}:123456789012:rule/gateway-{LambdaGateway.Tenant}-{ruleId}1A2B3C4D-0AB1CD2EF3GH"),
            ["detail"] = new JsonObject(),
        }.ToJsonString();

    [Theory]
    [InlineData("target-input")]
    [InlineData("scheduled-event")]
    public async Task Reservation_sweep_from_the_adapter_releases_a_crashed_calls_reservation(string form)
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync();
        GatewayCalls.AnswerBedrock(gw, "Hi");
        string key;
        using (var admin = gw.Client(gw.MasterKey))
            key = (await GatewayCalls.PostJsonAsync(admin, "/key/generate", """{"key_alias":"aws-sweep","max_budget":10}"""))["key"]!.GetValue<string>();
        using (var client = gw.Client(key)) await GatewayCalls.CompleteAsync(client, LambdaGateway.BedrockModel);

        // What an instance that died mid-call leaves in the key's counter: its reservation, already past its expiry.
        using var db = LambdaGateway.Dynamo();
        var table = gw.TablePrefix + "-governance";
        var counter = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "key:" + GatewayCalls.Hash(key) }, ["sk"] = new() { S = "counter" } };
        var settled = (await db.GetItemAsync(new GetItemRequest { TableName = table, Key = counter, ConsistentRead = true })).Item;
        Assert.NotNull(settled);
        var expired = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        await db.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = counter,
            UpdateExpression = "SET r_crashed = :r ADD reserved :c, inf :one, req :one, ver :one",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":r"] = new() { S = $"5000000 0 {expired}" },
                [":c"] = new() { N = "5000000" },
                [":one"] = new() { N = "1" },
            },
        });

        var (status, answer) = await LambdaWebAdapter.SendAsync(gw, LambdaWebAdapter.PassThrough(ScheduledPayload(form, "reservation-sweep", "ReservationSweep")));
        Assert.True(status == HttpStatusCode.OK, answer.ToJsonString());
        Assert.Equal("sweeper", answer["job"]!.GetValue<string>());
        Assert.Equal(1, answer["released"]!.GetValue<int>());

        var swept = (await db.GetItemAsync(new GetItemRequest { TableName = table, Key = counter, ConsistentRead = true })).Item;
        Assert.False(swept.ContainsKey("r_crashed"));
        Assert.Equal(Number(settled, "reserved"), Number(swept, "reserved"));
        Assert.Equal(Number(settled, "inf"), Number(swept, "inf"));
    }

    private static long Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 0;

    [Theory]
    [InlineData("target-input")]
    [InlineData("scheduled-event")]
    public async Task Alert_sweep_from_the_adapter_runs_the_alert_job(string form)
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync();
        // The rule id "AlertSweep" also contains "Sweep": the alert job must still be the one that runs.
        var (status, answer) = await LambdaWebAdapter.SendAsync(gw, LambdaWebAdapter.PassThrough(ScheduledPayload(form, "alert-sweep", "AlertSweep")));
        Assert.True(status == HttpStatusCode.OK, answer.ToJsonString());
        Assert.Equal("alerts", answer["job"]!.GetValue<string>());
    }

    [Fact]
    public async Task Function_url_requests_to_events_need_the_master_key()
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync();
        var schedule = ScheduledPayload("target-input", "alert-sweep", "AlertSweep");

        var (status, denied) = await LambdaWebAdapter.SendAsync(gw, LambdaWebAdapter.FunctionUrl(HttpMethod.Post, "/events", schedule));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("permission_error", denied["error"]!["type"]!.GetValue<string>());
        Assert.Equal("trigger_forbidden", denied["error"]!["code"]!.GetValue<string>());

        // A client that sends the pass-through context itself: the adapter replaces it with the request's own.
        (status, denied) = await LambdaWebAdapter.SendAsync(gw, LambdaWebAdapter.FunctionUrl(HttpMethod.Post, "/events", schedule,
            clientHeaders: [new("x-amzn-request-context", "null")]));
        Assert.Equal(HttpStatusCode.Forbidden, status);

        // A virtual key is not enough.
        var key = await GatewayCalls.GenerateKeyAsync(gw, "aws-events-url");
        (status, _) = await LambdaWebAdapter.SendAsync(gw, LambdaWebAdapter.FunctionUrl(HttpMethod.Post, "/events", schedule, key));
        Assert.Equal(HttpStatusCode.Forbidden, status);

        var (ok, answer) = await LambdaWebAdapter.SendAsync(gw, LambdaWebAdapter.FunctionUrl(HttpMethod.Post, "/events", schedule, gw.MasterKey));
        Assert.True(ok == HttpStatusCode.OK, answer.ToJsonString());
        Assert.Equal("alerts", answer["job"]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_the_adapters_exact_pass_through_request_counts_as_the_platform()
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync();
        var schedule = ScheduledPayload("target-input", "alert-sweep", "AlertSweep");

        var (status, answer) = await LambdaWebAdapter.SendAsync(gw, LambdaWebAdapter.PassThrough(schedule));
        Assert.True(status == HttpStatusCode.OK, answer.ToJsonString());

        // Near misses of the literal null, and the pass-through request relayed by a proxy: none is the platform.
        string[] contexts = ["NULL", "Null", "\"null\"", "", "{}", "nul", "null, null", "null;", "[null]"];
        foreach (var context in contexts)
        {
            var request = LambdaWebAdapter.PassThrough(schedule);
            request.Headers.Remove("x-amzn-request-context");
            request.Headers.TryAddWithoutValidation("x-amzn-request-context", context);
            (status, answer) = await LambdaWebAdapter.SendAsync(gw, request);
            Assert.True(status == HttpStatusCode.Forbidden, $"x-amzn-request-context '{context}': {(int)status} {answer.ToJsonString()}");
            Assert.Equal("permission_error", answer["error"]!["type"]!.GetValue<string>());
        }
        foreach (var forwarding in new[] { "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "Forwarded" })
        {
            var request = LambdaWebAdapter.PassThrough(schedule);
            request.Headers.TryAddWithoutValidation(forwarding, forwarding == "Forwarded" ? "for=203.0.113.7" : "203.0.113.7");
            (status, _) = await LambdaWebAdapter.SendAsync(gw, request);
            Assert.True(status == HttpStatusCode.Forbidden, $"{forwarding}: {(int)status}");
        }
    }
}
