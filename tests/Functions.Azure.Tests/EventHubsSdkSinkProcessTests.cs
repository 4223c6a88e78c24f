using System.Net;
using System.Net.Sockets;

namespace Gateway.Functions.Azure.Tests;

/// <summary>
/// The Native AOT binary with the Event Hubs SDK sink (the default transport, amqp) configured against a hub it cannot
/// reach: an endpoint on loopback that accepts each TCP connection and drops it before the TLS handshake. The gateway
/// still serves every call, counts each call's event as lost after the hand-off's bounded attempts, and on SIGTERM
/// closes the producer and exits with code 0.
/// </summary>
public sealed class EventHubsSdkSinkProcessTests
{
    [Fact]
    public async Task Aot_binary_with_an_unreachable_hub_serves_calls_counts_the_lost_events_and_exits_cleanly()
    {
        var binary = AotBinaryTests.Binary();
        using var hub = new DroppingListener();
        var port = GatewayProcess.FreePort();
        const string masterKey = "sk-eh-master-key-1";
        var gw = await GatewayProcess.StartAsync(binary, [], Path.GetDirectoryName(binary)!, port, new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(),
            ["GATEWAY_MASTER_KEY"] = masterKey,
            ["GATEWAY_SQLITE_PATH"] = Path.Combine(Path.GetTempPath(), "gw-eh-" + Guid.NewGuid().ToString("N"), "gateway.db"),
            ["GATEWAY_SPEND_SINK"] = "eventhubs",
            ["GATEWAY_EVENTHUBS_NAMESPACE"] = "gw-unreachable.servicebus.windows.net",
            ["GATEWAY_EVENTHUBS_HUB"] = "spend-eh",
            ["GATEWAY_EVENTHUBS_ENDPOINT"] = $"sb://127.0.0.1:{hub.Port}",
        });
        await using (gw)
        {
            // Chat, streamed chat and embeddings: three calls, three spend events, each answered in full.
            await GatewaySdkChecks.MockAnswersAsync(gw.BaseAddress, masterKey);
            const int calls = 3;

            gw.Terminate();
            Assert.Equal(0, await gw.WaitForExitAsync(TimeSpan.FromSeconds(60)));

            var output = gw.Output;
            Assert.Contains($"Spend hand-off to eventhubs (amqp) closed: 0 event(s) handed off, {calls} lost", output);
            Assert.Equal(calls, CountOf(output, "Lost 1 spend event(s) after 3 attempts on sink eventhubs (amqp)"));
            Assert.Contains("Spend sink eventhubs (amqp) closed", output);
            // The SDK really dialled the configured endpoint, once per attempt (and once more for the warm-up at start).
            Assert.True(hub.Accepted >= calls * 3, $"the hub saw {hub.Accepted} connection(s) for {calls} calls of 3 attempts:\n{output}");
            Assert.DoesNotContain(masterKey, output);
        }
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>A TCP endpoint that accepts connections and closes them at once: no TLS, no AMQP, no hub.</summary>
    private sealed class DroppingListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _loop;
        private int _accepted;

        public DroppingListener()
        {
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (true)
                {
                    Socket s;
                    try
                    {
                        s = await _listener.AcceptSocketAsync();
                    }
                    catch (Exception e) when (e is SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                    Interlocked.Increment(ref _accepted);
                    s.Dispose();
                }
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public int Accepted => Volatile.Read(ref _accepted);

        public void Dispose()
        {
            _listener.Stop();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
