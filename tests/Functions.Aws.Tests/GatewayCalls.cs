using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Gateway.Functions.Aws.Tests;

/// <summary>Client-side steps the tests share: admin calls, completions, and reads of what landed in dynalite.</summary>
public static class GatewayCalls
{
    public static async Task<JsonNode> PostJsonAsync(HttpClient http, string path, string json, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var r = await http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"POST {path}: {(int)r.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>A virtual key from <c>/key/generate</c> (the secret, sk-...).</summary>
    public static async Task<string> GenerateKeyAsync(LambdaGateway gw, string alias)
    {
        using var admin = gw.Client(gw.MasterKey);
        var created = await PostJsonAsync(admin, "/key/generate", $$"""{"key_alias":"{{alias}}"}""");
        var key = created["key"]!.GetValue<string>();
        Assert.StartsWith("sk-", key);
        return key;
    }

    public static Task<JsonNode> CompleteAsync(HttpClient http, string model, string text = "Hello") =>
        PostJsonAsync(http, "/v1/chat/completions", $$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{text}}"}]}""");

    /// <summary>Bedrock answers Converse with JSON and ConverseStream with an event stream.</summary>
    public static void AnswerBedrock(LambdaGateway gw, string text, params string[] pieces) =>
        gw.Bedrock.Respond = (ctx, call) => call.RawPath.EndsWith("/converse-stream", StringComparison.Ordinal)
            ? Gateway.Tests.Support.FakeBedrock.WriteStreamAsync(ctx, Gateway.Tests.Support.BedrockWire.TextStream(pieces))
            : Gateway.Tests.Support.FakeBedrock.WriteJsonAsync(ctx, Gateway.Tests.Support.BedrockWire.ConverseText(text));

    /// <summary><c>/spend/logs?api_key=</c> rows, polled until <paramref name="count"/> are there (spend is written after the response).</summary>
    public static async Task<JsonArray> SpendLogsAsync(LambdaGateway gw, string key, int count)
    {
        using var admin = gw.Client(gw.MasterKey);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var page = JsonNode.Parse(await admin.GetStringAsync("/spend/logs?api_key=" + Uri.EscapeDataString(key)))!;
            var rows = page["data"]!.AsArray();
            if (rows.Count >= count || DateTime.UtcNow > deadline) return rows;
            await Task.Delay(200);
        }
    }

    public static async Task<List<Dictionary<string, AttributeValue>>> ScanAsync(IAmazonDynamoDB db, string table)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var r = await db.ScanAsync(new ScanRequest { TableName = table, ConsistentRead = true, ExclusiveStartKey = start });
            items.AddRange(r.Items ?? []);
            start = r.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        } while (start is not null);
        return items;
    }

    public static string Hash(string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
}
