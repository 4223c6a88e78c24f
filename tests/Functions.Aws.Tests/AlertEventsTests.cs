using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Functions.Aws.Tests;

/// <summary>
/// The alert rules on AWS: a DynamoDB Streams batch of the spend table, sent as the Lambda Web Adapter sends it to
/// <c>/events</c>, fires a key's soft-budget alert to a signed webhook (checked here with our own HMAC, as a receiver
/// would), once; Lambda redelivering the batch fires nothing more.
/// </summary>
public sealed class AlertEventsTests
{
    private const string Secret = "whsec-aws-alerts";

    [Fact]
    public async Task A_stream_batch_through_events_fires_the_soft_budget_alert_once_to_a_signed_webhook()
    {
        var received = new ConcurrentQueue<RecordedRequest>();
        await using var hook = await FakeUpstream.StartAsync((ctx, r) =>
        {
            received.Enqueue(r);
            ctx.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        await using var gw = await LambdaGateway.CreateAsync();
        await File.AppendAllTextAsync(gw.ConfigPath, "\ngeneral_settings:\n  alerting: [webhook]\n");
        await gw.StartAsync(env =>
        {
            env["GATEWAY_SPEND_ROLLUPS"] = "stream";
            env["WEBHOOK_URL"] = new Uri(hook.BaseAddress, "/alerts-in").ToString();
            env["GATEWAY_WEBHOOK_SIGNING_SECRET"] = Secret;
        });
        GatewayCalls.AnswerBedrock(gw, "Hi");
        using var admin = gw.Client(gw.MasterKey);
        var key = (await GatewayCalls.PostJsonAsync(admin, "/key/generate", """{"key_alias":"aws-alerts","soft_budget":0.0000001}"""))["key"]!.GetValue<string>();
        using (var client = gw.Client(key)) await GatewayCalls.CompleteAsync(client, LambdaGateway.BedrockModel);
        await GatewayCalls.SpendLogsAsync(gw, key, 1);

        var table = gw.TablePrefix + "-spend";
        using var db = LambdaGateway.Dynamo();
        var hash = GatewayCalls.Hash(key);
        var item = (await GatewayCalls.ScanAsync(db, table)).Single(i => i["pk"].S.StartsWith($"k|{hash}|", StringComparison.Ordinal));
        var batch = StreamRecords.Batch(StreamRecords.Insert(table, "4421584500000000017450439101", item)).ToJsonString();

        for (var delivery = 0; delivery < 2; delivery++)
        {
            var (status, answer) = await LambdaWebAdapter.SendAsync(gw, LambdaWebAdapter.PassThrough(batch));
            Assert.True(status == HttpStatusCode.OK, answer.ToJsonString());
            Assert.Empty(answer["batchItemFailures"]!.AsArray());
            Assert.Equal(delivery == 0 ? 1 : 0, answer["alerts"]!.GetValue<int>());
        }

        var request = Assert.Single(received);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("soft_budget_crossed", body["event"]!.GetValue<string>());
        Assert.Equal("key", body["event_group"]!.GetValue<string>());
        Assert.Equal(hash, body["token"]!.GetValue<string>());
        Assert.Equal("aws-alerts", body["key_alias"]!.GetValue<string>());
        Assert.True(body["spend"]!.GetValue<decimal>() > 0);
        var timestamp = request.Header("x-gateway-timestamp")!;
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp, CultureInfo.InvariantCulture)) < 300);
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(timestamp + "." + request.Body)));
        Assert.Equal(expected, request.Header("x-gateway-signature"));
        Assert.Equal(body["alert_id"]!.GetValue<string>(), request.Header("x-gateway-alert-id"));
    }
}
