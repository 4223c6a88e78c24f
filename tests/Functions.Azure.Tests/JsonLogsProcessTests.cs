using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.Functions.Azure.Tests;

/// <summary>
/// <c>litellm_settings.json_logs: true</c>, as a log pipeline reads it: every line the gateway process writes is one JSON
/// object with a timestamp, level, category and message, start-up and request logs alike, and no secret appears.
/// </summary>
public sealed class JsonLogsProcessTests
{
    [Fact]
    public async Task With_json_logs_every_line_the_process_writes_is_one_json_object()
    {
        var dir = Directory.CreateTempSubdirectory("gateway-json-logs").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "gateway.yaml"), """
            model_list:
              - model_name: gpt-4o-mini
                litellm_params: { model: mock/gpt-4o-mini }
            litellm_settings:
              json_logs: true
            """);
        var port = GatewayProcess.FreePort();
        const string master = "sk-json-logs-master-0123456789";
        await using (var gw = await GatewayProcess.StartAsync("dotnet", [Path.Combine(Repo.HostBuildOutput(), "gateway.dll")], dir, port,
                         new Dictionary<string, string> { ["PORT"] = port.ToString(), ["GATEWAY_MASTER_KEY"] = master }))
        {
            using var http = new HttpClient { BaseAddress = gw.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", master);
            using var r = await http.SendAsync(request);
            Assert.True(r.IsSuccessStatusCode);
            // An unpriced model is warned about at start, so the log has at least the host's lines and one of ours.
            var lines = gw.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(lines.Length >= 3, gw.Output);
            foreach (var line in lines)
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                Assert.Equal(JsonValueKind.Object, e.ValueKind);
                Assert.True(DateTimeOffset.TryParse(e.GetProperty("Timestamp").GetString(), out _), line);
                Assert.Contains(e.GetProperty("LogLevel").GetString(), new[] { "Information", "Warning", "Error" });
                Assert.False(string.IsNullOrEmpty(e.GetProperty("Category").GetString()), line);
                Assert.False(string.IsNullOrEmpty(e.GetProperty("Message").GetString()), line);
            }
            Assert.Contains(lines, l => l.Contains("\"Category\":\"Gateway", StringComparison.Ordinal));
            Assert.DoesNotContain(master, gw.Output);
        }
        Directory.Delete(dir, true);
    }
}
