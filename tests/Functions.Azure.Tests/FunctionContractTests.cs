using System.Net;
using System.Text;
using System.Text.Json;

namespace Gateway.Functions.Azure.Tests;

/// <summary>
/// Every function.json in functions/azure against the published AOT binary: the HTTP trigger's route reaches the
/// gateway (any path, any method it serves), and each non-HTTP trigger's function name is a route that accepts the
/// host's invocation payload for that trigger type with a custom-handler answer.
/// </summary>
public sealed class FunctionContractTests
{
    private static string? Payload(string triggerType, string binding) => triggerType switch
    {
        "eventHubTrigger" => $$$"""{"Data":{"{{{binding}}}":[]},"Metadata":{"PartitionContext":{"PartitionId":"0"},"SequenceNumberArray":[]}}""",
        "timerTrigger" => $$$"""{"Data":{"{{{binding}}}":{"Schedule":{"AdjustForDST":true},"IsPastDue":false}},"Metadata":{}}""",
        _ => null,
    };

    [Fact]
    public async Task The_app_serves_every_function_in_functions_azure()
    {
        var binary = Environment.GetEnvironmentVariable("GATEWAY_AOT_BINARY");
        Assert.False(string.IsNullOrEmpty(binary), "GATEWAY_AOT_BINARY is not set: run ./test.sh, which publishes the AOT binary first.");
        var port = GatewayProcess.FreePort();
        await using var gw = await GatewayProcess.StartAsync(binary!, [], Path.GetDirectoryName(binary)!, port, new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(),
            ["GATEWAY_SQLITE_PATH"] = Path.Combine(Path.GetTempPath(), "gw-fn-" + Guid.NewGuid().ToString("N"), "gateway.db"),
        });
        using var http = new HttpClient { BaseAddress = gw.BaseAddress };

        var functions = Directory.GetDirectories(Path.Combine(Repo.Root, "functions", "azure"))
            .Where(d => File.Exists(Path.Combine(d, "function.json"))).ToList();
        Assert.True(functions.Count >= 4, "expected the gateway, spend-ingest, alerts and sweeper functions");
        foreach (var dir in functions)
        {
            var name = Path.GetFileName(dir);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "function.json")));
            var trigger = doc.RootElement.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "in");
            var type = trigger.GetProperty("type").GetString()!;
            if (type == "httpTrigger")
            {
                Assert.Equal("{*path}", trigger.GetProperty("route").GetString());
                using var models = await http.GetAsync("/v1/models");
                Assert.Equal(HttpStatusCode.OK, models.StatusCode);
                using var chat = await http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"mock","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
                continue;
            }
            var payload = Payload(type, trigger.GetProperty("name").GetString()!);
            Assert.True(payload is not null, $"{name}: no known host payload for trigger type {type}; add one here and a route in the app");
            using var r = await http.PostAsync("/" + name, new StringContent(payload!, Encoding.UTF8, "application/json"));
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{name} ({type}): {(int)r.StatusCode} {text}");
            using var answer = JsonDocument.Parse(text);
            Assert.True(answer.RootElement.TryGetProperty("Outputs", out _), $"{name}: not a custom-handler answer: {text}");
            Assert.True(answer.RootElement.TryGetProperty("Logs", out _), $"{name}: not a custom-handler answer: {text}");
        }
    }
}
