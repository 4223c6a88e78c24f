using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;

namespace Gateway.Functions.Azure.Tests;

/// <summary>
/// The AOT binary started as host.json starts it (FUNCTIONS_CUSTOMHANDLER_PORT, the app folder as working directory),
/// with Table Storage (Azurite) as its store: it streams a completion, ingests an Event Hubs batch posted the way the
/// Functions host posts a custom-handler invocation (idempotently: the same batch twice changes nothing), and answers
/// timer invocations.
/// </summary>
public sealed class TriggerPayloadTests
{
    internal const string Master = "sk-trigger-master-1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    internal static string AzuriteConnectionString()
    {
        var endpoint = Environment.GetEnvironmentVariable("GATEWAY_TEST_AZURITE_TABLES");
        Assert.False(string.IsNullOrEmpty(endpoint), "GATEWAY_TEST_AZURITE_TABLES is not set: run ./test.sh, which starts Azurite.");
        return $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};TableEndpoint={endpoint};";
    }

    internal static string Binary()
    {
        var path = Environment.GetEnvironmentVariable("GATEWAY_AOT_BINARY");
        Assert.False(string.IsNullOrEmpty(path), "GATEWAY_AOT_BINARY is not set: run ./test.sh, which publishes the AOT binary first.");
        return path!;
    }

    /// <summary>A spend event as the gateway writes it onto Event Hubs (the JSON string is the event body).</summary>
    internal static string SpendEvent(string id, string key, decimal spend, DateTimeOffset at) => new JsonObject
    {
        ["id"] = id,
        ["call_type"] = "chat_completion",
        ["start_time"] = at.ToString("O"),
        ["end_time"] = at.AddMilliseconds(400).ToString("O"),
        ["model"] = "gpt-4o-mini",
        ["model_group"] = "gpt-4o-mini",
        ["api_key"] = key,
        ["team_id"] = "team-eh",
        ["prompt_tokens"] = 100,
        ["completion_tokens"] = 20,
        ["total_tokens"] = 120,
        ["spend"] = spend,
        ["status"] = "success",
    }.ToJsonString();

    /// <summary>The custom-handler request for an Event Hubs trigger with cardinality many (dataType string).</summary>
    internal static string EventHubsInvocation(IReadOnlyList<string> bodies, DateTimeOffset at) => new JsonObject
    {
        ["Data"] = new JsonObject { ["events"] = new JsonArray([.. bodies.Select(b => (JsonNode)JsonValue.Create(b)!)]) },
        ["Metadata"] = new JsonObject
        {
            ["PartitionContext"] = new JsonObject { ["ConsumerGroup"] = "gateway", ["EventHubName"] = "spend", ["PartitionId"] = "0", ["FullyQualifiedNamespace"] = "tenant-a.servicebus.windows.net" },
            ["EnqueuedTimeUtcArray"] = new JsonArray([.. bodies.Select(_ => (JsonNode)JsonValue.Create(at.UtcDateTime.ToString("O"))!)]),
            ["SequenceNumberArray"] = new JsonArray([.. bodies.Select((_, i) => (JsonNode)JsonValue.Create(1000 + i)!)]),
            ["OffsetArray"] = new JsonArray([.. bodies.Select((_, i) => (JsonNode)JsonValue.Create((4096 * i).ToString())!)]),
            ["PartitionKeyArray"] = new JsonArray([.. bodies.Select(_ => (JsonNode)JsonValue.Create("key-a")!)]),
            ["sys"] = new JsonObject { ["MethodName"] = "spend-ingest", ["UtcNow"] = at.UtcDateTime.ToString("O"), ["RandGuid"] = Guid.NewGuid().ToString() },
        },
    }.ToJsonString();

    internal static string TimerInvocation(string function) =>
        """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-11-25T10:00:00+00:00","Next":"2026-11-25T10:01:00+00:00","LastUpdated":"2026-11-25T10:00:00+00:00"},"IsPastDue":false}},"""
        + $$$"""
        "Metadata":{"sys":{"MethodName":"{{{function}}}","UtcNow":"2026-11-25T10:01:00.0012Z","RandGuid":"{{{Guid.NewGuid()}}}"}}
        """ + "}";

    [Fact]
    public async Task The_aot_binary_streams_ingests_an_event_hubs_batch_idempotently_and_answers_timers()
    {
        var binary = Binary();
        var connection = AzuriteConnectionString();
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var port = GatewayProcess.FreePort();
        await using var gw = await GatewayProcess.StartAsync(binary, [], Path.GetDirectoryName(binary)!, port, new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(),
            ["GATEWAY_MASTER_KEY"] = Master,
            ["GATEWAY_STORE"] = "tables",
            ["GATEWAY_TABLES_CONNECTION_STRING"] = connection,
            ["GATEWAY_TABLE_PREFIX"] = prefix,
        });
        using var http = new HttpClient { BaseAddress = gw.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Master);

        // A streamed completion through the proxied HTTP function.
        using (var r = await http.PostAsync("/v1/chat/completions", Json("""{"model":"mock","stream":true,"messages":[{"role":"user","content":"hi"}]}""")))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.EndsWith("data: [DONE]\n\n", text);
        }

        // The host's Event Hubs invocation, delivered twice (a redelivery after a failed checkpoint).
        // Yesterday, not a fixed date: spend logs older than the retention period (30 days) are swept by the timer below.
        var at = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1).AddHours(9.5), TimeSpan.Zero);
        var day = at.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var ids = Enumerable.Range(0, 5).Select(i => $"req_eh_{prefix}_{i}").ToList();
        var batch = EventHubsInvocation(ids.Select((id, i) => SpendEvent(id, "hash-eh", 0.0125m * (i + 1), at.AddSeconds(i))).ToList(), at);
        for (var delivery = 0; delivery < 2; delivery++)
        {
            // Posted as the host posts it: no Authorization header, from loopback.
            using var plain = new HttpClient { BaseAddress = gw.BaseAddress };
            using var r = await plain.PostAsync("/spend-ingest", Json(batch));
            var text = await r.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            using var result = JsonDocument.Parse(text);
            Assert.Equal(JsonValueKind.Object, result.RootElement.GetProperty("Outputs").ValueKind);
            var log = result.RootElement.GetProperty("Logs")[0].GetString()!;
            Assert.Contains(delivery == 0 ? "5 written, 0 already present" : "0 written, 5 already present", log);
        }

        // In Azurite: five log rows for the key, and the key's rollup holds each event once.
        var service = new TableServiceClient(connection);
        var logs = service.GetTableClient(prefix + "spendlogs").Query<TableEntity>(e => e.PartitionKey == "k|hash-eh|" + day).ToList();
        Assert.Equal(5, logs.Count);
        using (var report = await http.GetAsync($"/global/spend/report?start_date={day}&end_date={day}&group_by=team"))
        {
            var json = JsonDocument.Parse(await report.Content.ReadAsStringAsync()).RootElement;
            var team = json[0].GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "team-eh");
            Assert.Equal(0.0125m * 15, team.GetProperty("total_spend").GetDecimal());
            Assert.Equal(5, team.GetProperty("requests").GetInt64());
        }

        // Timer invocations.
        foreach (var function in new[] { "sweeper", "alerts" })
        {
            using var plain = new HttpClient { BaseAddress = gw.BaseAddress };
            using var r = await plain.PostAsync("/" + function, Json(TimerInvocation(function)));
            var text = await r.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.StartsWith(function + ":", JsonDocument.Parse(text).RootElement.GetProperty("Logs")[0].GetString());
        }

        // A bad payload is a clear 400 (the host counts the invocation as failed and retries).
        using (var plain = new HttpClient { BaseAddress = gw.BaseAddress })
        using (var bad = await plain.PostAsync("/spend-ingest", Json("""{"Metadata":{}}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("Data", await bad.Content.ReadAsStringAsync());
        }

        // A public request forwarded by the host's HTTP proxy may not post spend.
        using (var forwarded = new HttpRequestMessage(HttpMethod.Post, "/spend-ingest") { Content = Json(batch) })
        {
            forwarded.Headers.Add("X-Forwarded-For", "203.0.113.9");
            using var plain = new HttpClient { BaseAddress = gw.BaseAddress };
            using var r = await plain.SendAsync(forwarded);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }
    }

    internal static StringContent Json(string s) => new(s, Encoding.UTF8, "application/json");
}
