using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Functions.Azure.Tests;

/// <summary>
/// The alert rules on Azure: the AOT binary, started as the Functions host starts it, takes an Event Hubs invocation of
/// spend for a key with a soft budget, fires the alert once to a signed webhook (a loopback receiver checking the HMAC
/// with its own code), says so in the invocation's logs, and fires nothing when the host redelivers the batch.
/// </summary>
public sealed class AlertTriggerTests
{
    private const string Secret = "whsec-azure-alerts";

    [Fact]
    public async Task An_event_hubs_batch_fires_a_soft_budget_alert_once_through_the_aot_binary()
    {
        var binary = TriggerPayloadTests.Binary();
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        using var receiver = new Receiver();
        var config = Path.Combine(Path.GetTempPath(), $"gw-alert-trigger-{prefix}.yaml");
        await File.WriteAllTextAsync(config, """
            model_list:
              - model_name: mock
                litellm_params: { model: mock/mock-1 }
            general_settings:
              alerting: [webhook]
            """);
        var port = GatewayProcess.FreePort();
        try
        {
            await using var gw = await GatewayProcess.StartAsync(binary, [], Path.GetDirectoryName(binary)!, port, new Dictionary<string, string>
            {
                ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(),
                ["GATEWAY_MASTER_KEY"] = TriggerPayloadTests.Master,
                ["GATEWAY_STORE"] = "tables",
                ["GATEWAY_TABLES_CONNECTION_STRING"] = TriggerPayloadTests.AzuriteConnectionString(),
                ["GATEWAY_TABLE_PREFIX"] = prefix,
                ["GATEWAY_CONFIG"] = config,
                ["WEBHOOK_URL"] = receiver.Url,
                ["GATEWAY_WEBHOOK_SIGNING_SECRET"] = Secret,
            });
            using var admin = new HttpClient { BaseAddress = gw.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TriggerPayloadTests.Master);
            using var created = await admin.PostAsync("/key/generate", TriggerPayloadTests.Json("""{"key_alias":"azure-alerts","soft_budget":0.01}"""));
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            var key = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

            var at = DateTimeOffset.UtcNow.AddMinutes(-1);
            var batch = TriggerPayloadTests.EventHubsInvocation(
                [TriggerPayloadTests.SpendEvent($"req_alert_{prefix}_0", hash, 0.008m, at), TriggerPayloadTests.SpendEvent($"req_alert_{prefix}_1", hash, 0.004m, at.AddSeconds(1))], at);
            for (var delivery = 0; delivery < 2; delivery++)
            {
                using var plain = new HttpClient { BaseAddress = gw.BaseAddress };
                using var r = await plain.PostAsync("/spend-ingest", TriggerPayloadTests.Json(batch));
                var text = await r.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                var logs = JsonDocument.Parse(text).RootElement.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!).ToList();
                Assert.Contains(delivery == 0 ? "alerts: 1 fired, 0 retried" : "alerts: 0 fired, 0 retried", logs);
                if (delivery == 0) Assert.Contains(logs, l => l.StartsWith("budget_alerts soft_budget_crossed: budget|key|" + hash, StringComparison.Ordinal));
            }

            var (headers, body) = Assert.Single(receiver.Received);
            var payload = JsonNode.Parse(body)!;
            Assert.Equal("soft_budget_crossed", payload["event"]!.GetValue<string>());
            Assert.Equal(hash, payload["token"]!.GetValue<string>());
            Assert.Equal(0.012m, payload["spend"]!.GetValue<decimal>());
            Assert.Null(payload["team_id"]); // the key belongs to no team (the events name one; the alert is about the key)
            var ts = headers["x-gateway-timestamp"]!;
            Assert.Equal("v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(ts + "." + body))),
                headers["x-gateway-signature"]);

            // The history lists it, delivered.
            var list = JsonNode.Parse(await admin.GetStringAsync("/alerts?rule=soft_budget_crossed"))!["data"]!.AsArray();
            Assert.Equal("delivered", Assert.Single(list)!["status"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(config);
        }
    }

    /// <summary>A loopback webhook receiver (HttpListener) that keeps each request's headers and body.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        public ConcurrentQueue<(System.Collections.Specialized.NameValueCollection Headers, string Body)> Received { get; } = new();
        public string Url { get; }

        public Receiver()
        {
            var port = GatewayProcess.FreePort();
            Url = $"http://127.0.0.1:{port}/hooks/alerts/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await _listener.GetContextAsync(); }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                    using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
                    Received.Enqueue((ctx.Request.Headers, await reader.ReadToEndAsync()));
                    ctx.Response.StatusCode = 200;
                    ctx.Response.Close();
                }
            });
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
    }
}
