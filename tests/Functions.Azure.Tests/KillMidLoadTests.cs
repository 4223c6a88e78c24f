using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Gateway.Functions.Azure.Tests;

/// <summary>
/// A gateway process killed with SIGKILL in the middle of a load loses no spend event of a call whose response had
/// completed: the event is in the journal before the response's last byte is sent, and the next start moves what the
/// killed process had not yet moved into SQLite.
/// </summary>
public sealed class KillMidLoadTests
{
    [Fact]
    public async Task Kill_9_mid_load_loses_no_event_of_a_completed_call()
    {
        var binary = Environment.GetEnvironmentVariable("GATEWAY_AOT_BINARY");
        Assert.False(string.IsNullOrEmpty(binary), "GATEWAY_AOT_BINARY is not set: run ./test.sh, which publishes the AOT binary first.");
        var db = Path.Combine(Path.GetTempPath(), "gw-kill-" + Guid.NewGuid().ToString("N"), "gateway.db");
        var port = GatewayProcess.FreePort();
        var gw = await GatewayProcess.StartAsync(binary!, [], Path.GetDirectoryName(binary)!, port, new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(),
            ["GATEWAY_SQLITE_PATH"] = db,
        });

        var completed = new ConcurrentBag<string>();
        using var http = new HttpClient { BaseAddress = gw.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var stop = new CancellationTokenSource();
        var killed = false;
        var workers = Enumerable.Range(0, 12).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested && i < 400; i++)
            {
                var stream = (w + i) % 2 == 0;
                var body = $$"""{"model":"mock","messages":[{"role":"user","content":"hi {{w}}-{{i}}"}]{{(stream ? ",\"stream\":true" : "")}}}""";
                try
                {
                    using var r = await http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
                    var text = await r.Content.ReadAsStringAsync();
                    // Completed means the whole answer arrived: the JSON body, or the stream through [DONE].
                    if (r.IsSuccessStatusCode && (stream ? text.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal) : text.EndsWith('}')))
                        completed.Add(r.Headers.GetValues("x-gateway-request-id").Single());
                }
                catch (Exception) when (Volatile.Read(ref killed))
                {
                    return; // the process is gone
                }
            }
        })).ToArray();

        // Let the load run, then SIGKILL the process while calls are in flight.
        var watch = Stopwatch.StartNew();
        while (completed.Count < 300 && watch.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
        Volatile.Write(ref killed, true);
        gw.Kill();
        stop.Cancel();
        await Task.WhenAll(workers);
        await gw.DisposeAsync();

        Assert.True(completed.Count >= 300, $"only {completed.Count} calls completed before the kill");

        // The next start recovers the killed process's journal into SQLite.
        port = GatewayProcess.FreePort();
        await using var restarted = await GatewayProcess.StartAsync(binary!, [], Path.GetDirectoryName(binary)!, port, new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(),
            ["GATEWAY_SQLITE_PATH"] = db,
        });
        var stored = new HashSet<string>();
        List<string> missing = [];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            stored.Clear();
            using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT request_id FROM spend_logs";
                using var r = cmd.ExecuteReader();
                while (r.Read()) stored.Add(r.GetString(0));
            }
            missing = completed.Where(id => !stored.Contains(id)).ToList();
            if (missing.Count == 0) break;
            await Task.Delay(100);
        }
        Assert.True(missing.Count == 0, $"{missing.Count} of {completed.Count} completed calls have no spend event, e.g. {missing.FirstOrDefault()}");
        // The killed process's journal is gone once moved in.
        string[] left = [];
        for (var attempt = 0; attempt < 50; attempt++)
        {
            left = [.. Directory.GetFiles(Path.Combine(Path.GetDirectoryName(db)!, "spool"), "*.jsonl").Where(f => !f.Contains($"-{restarted.ProcessId}-"))];
            if (left.Length == 0) break;
            await Task.Delay(100);
        }
        Assert.Empty(left);
    }
}
