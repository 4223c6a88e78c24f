using System.Net;

namespace Gateway.Functions.Aws.Tests;

/// <summary>Virtual keys and spend live in dynalite: the <c>&lt;prefix&gt;-governance</c> and <c>&lt;prefix&gt;-spend</c> tables.</summary>
public sealed class SpendTests
{
    [Fact]
    public async Task Virtual_key_works_and_its_spend_shows_in_spend_logs_and_the_tables()
    {
        await using var gw = await (await LambdaGateway.CreateAsync()).StartAsync();
        GatewayCalls.AnswerBedrock(gw, "Hi from Bedrock");
        var key = await GatewayCalls.GenerateKeyAsync(gw, "aws-spend");
        var hash = GatewayCalls.Hash(key);

        using var client = gw.Client(key);
        var answer = await GatewayCalls.CompleteAsync(client, LambdaGateway.BedrockModel);
        Assert.Equal("Hi from Bedrock", answer["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Empty(gw.Bedrock.SignatureProblems);
        using (var wrong = gw.Client(key + "x"))
        using (var denied = await wrong.GetAsync("/v1/models"))
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);

        var rows = await GatewayCalls.SpendLogsAsync(gw, key, 1);
        var row = Assert.Single(rows);
        Assert.Equal(hash, row!["api_key"]!.GetValue<string>());
        Assert.Equal(LambdaGateway.BedrockModel, row["model"]!.GetValue<string>());
        Assert.True(row["spend"]!.GetValue<decimal>() > 0, row.ToJsonString());
        var requestId = row["id"]!.GetValue<string>();

        using var db = LambdaGateway.Dynamo();
        var spend = await GatewayCalls.ScanAsync(db, gw.TablePrefix + "-spend");
        var logItem = Assert.Single(spend, i => i["pk"].S.StartsWith($"k|{hash}|", StringComparison.Ordinal));
        Assert.Equal(requestId, logItem["id"].S);
        Assert.Contains(requestId, logItem["json"].S);
        Assert.Contains(spend, i => i["pk"].S.StartsWith("d|", StringComparison.Ordinal) && i["id"]?.S == requestId);
        var governance = await GatewayCalls.ScanAsync(db, gw.TablePrefix + "-governance");
        Assert.Contains(governance, i => i["pk"].S.Contains(hash, StringComparison.Ordinal));
        Assert.DoesNotContain(governance, i => i.Values.Any(v => v.S?.Contains(key, StringComparison.Ordinal) == true));
    }
}
