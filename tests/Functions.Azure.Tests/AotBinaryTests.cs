using System.Net;
using System.Net.Http.Headers;

namespace Gateway.Functions.Azure.Tests;

/// <summary>
/// The Native AOT binary, started as the Functions host starts a custom handler: the port in
/// FUNCTIONS_CUSTOMHANDLER_PORT, working directory = the app folder (gateway.yaml sits beside the binary).
/// test.sh publishes it and sets GATEWAY_AOT_BINARY; without that these tests fail rather than skip.
/// </summary>
public sealed class AotBinaryTests
{
    internal static string Binary()
    {
        var path = Environment.GetEnvironmentVariable("GATEWAY_AOT_BINARY");
        Assert.False(string.IsNullOrEmpty(path), "GATEWAY_AOT_BINARY is not set: run ./test.sh, which publishes the AOT binary first.");
        Assert.True(File.Exists(path), $"GATEWAY_AOT_BINARY points at a missing file: {path}");
        return path!;
    }

    [Fact]
    public async Task Aot_binary_serves_the_sdk_on_the_custom_handler_port()
    {
        var binary = Binary();
        var port = GatewayProcess.FreePort();
        await using var gw = await GatewayProcess.StartAsync(binary, [], Path.GetDirectoryName(binary)!, port,
            new Dictionary<string, string> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString() });
        await GatewaySdkChecks.MockAnswersAsync(gw.BaseAddress);
        await ConsoleChecks.ServedAsync(gw.BaseAddress);
    }

    [Fact]
    public async Task Aot_binary_enforces_the_master_key()
    {
        var binary = Binary();
        var port = GatewayProcess.FreePort();
        await using var gw = await GatewayProcess.StartAsync(binary, [], Path.GetDirectoryName(binary)!, port,
            new Dictionary<string, string> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(), ["GATEWAY_MASTER_KEY"] = "sk-aot-master-1" });
        using var http = new HttpClient { BaseAddress = gw.BaseAddress };
        using var denied = await http.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        await GatewaySdkChecks.MockAnswersAsync(gw.BaseAddress, "sk-aot-master-1");
        Assert.DoesNotContain("sk-aot-master-1", gw.Output);
    }

    [Fact]
    public async Task Aot_binary_in_azure_refuses_to_start_without_a_master_key()
    {
        var binary = Binary();
        var (code, output) = await GatewayProcess.RunToExitAsync(binary, [], Path.GetDirectoryName(binary)!, new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = GatewayProcess.FreePort().ToString(),
            ["WEBSITE_SITE_NAME"] = "tenant-a-gateway",
        });
        Assert.Equal(2, code);
        Assert.Contains("GATEWAY_MASTER_KEY", output);
    }

    [Fact]
    public async Task Aot_binary_carries_no_DynamoDB_store_and_says_where_it_is()
    {
        var binary = Binary();
        var (code, output) = await GatewayProcess.RunToExitAsync(binary, [], Path.GetDirectoryName(binary)!, new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = GatewayProcess.FreePort().ToString(),
            ["GATEWAY_STORE"] = "dynamodb",
        });
        Assert.Equal(2, code);
        Assert.Contains("DynamoDB is not part of this build", output);
        Assert.Contains("functions/aws", output);
    }

    [Fact]
    public async Task Startup_trace_times_each_step_up_to_the_first_proxied_answer()
    {
        var binary = Binary();
        var port = GatewayProcess.FreePort();
        await using var gw = await GatewayProcess.StartAsync(binary, ["--startup-trace"], Path.GetDirectoryName(binary)!, port,
            new Dictionary<string, string> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString() });
        Assert.DoesNotContain("startup trace", gw.Output); // only once a call has been answered
        await GatewaySdkChecks.MockAnswersAsync(gw.BaseAddress);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!gw.Output.Contains("POST /v1/chat/completions -> 200") && DateTime.UtcNow < deadline) await Task.Delay(50);
        // The table only: the host's own log also says "listening".
        var output = gw.Output;
        output = output[Math.Max(0, output.IndexOf("startup trace", StringComparison.Ordinal))..];
        string[] steps = ["before main", "main entered", "config loaded", "host builder created", "services registered", "app built",
            "routes mapped", "listening", "GET /health/liveliness -> 200", "POST /v1/chat/completions -> 200"];
        var at = steps.Select(step => output.IndexOf("  " + step + " ", StringComparison.Ordinal)).ToArray();
        Assert.All(at, i => Assert.True(i >= 0, "missing step in:\n" + output));
        Assert.Equal(at.Order(), at); // in start-up order
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(gw.Output, "startup trace"));
    }
}
