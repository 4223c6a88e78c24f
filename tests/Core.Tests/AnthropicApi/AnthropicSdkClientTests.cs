using System.Diagnostics;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.AnthropicApi;

/// <summary>
/// The official <c>@anthropic-ai/sdk</c> (npm, installed by test.sh into .tools/) against <c>/v1/messages</c> backed by an
/// OpenAI-format model: a plain answer, a stream read with the SDK's own event accumulator, tool use and count_tokens.
/// Fails, never skips, when the package is missing.
/// </summary>
public sealed class AnthropicSdkClientTests : UpstreamGatewayTest
{
    [Fact]
    public async Task Anthropic_sdk_gets_answers_from_an_openai_backed_model_streamed_and_not()
    {
        Up.Handler = (ctx, r) =>
        {
            if (r.Body.Contains("\"stream\":true")) return OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(["Hi ", "again!"], includeUsage: true, prompt: 12, completion: 3));
            if (r.Body.Contains("get_weather"))
                return OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.ToolCallCompletion(("call_p", "get_weather", """{"city":"Paris"}"""), ("call_t", "get_weather", """{"city":"Tokyo"}""")));
            return OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("Hello there!", prompt: 20, completion: 3));
        };

        var result = await RunClientAsync("gpt-4o-mini");

        var message = result.GetProperty("message");
        Assert.Equal("Hello there!", message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        Assert.Equal(20, message.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal("Hi again!", result.GetProperty("streamedText").GetString());
        var final = result.GetProperty("final");
        Assert.Equal("Hi again!", final.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", final.GetProperty("stop_reason").GetString());
        Assert.Equal(3, final.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        var tools = result.GetProperty("tools");
        Assert.Equal("tool_use", tools.GetProperty("stop_reason").GetString());
        Assert.Equal(["Paris", "Tokyo"], tools.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("input").GetProperty("city").GetString()));
        Assert.True(result.GetProperty("count").GetProperty("input_tokens").GetInt32() > 0);
        Assert.Equal(3, Up.Requests.Count); // count_tokens is answered by the gateway for OpenAI models
    }

    private async Task<JsonElement> RunClientAsync(string model)
    {
        var root = RepoRoot();
        var sdk = Path.Combine(root, ".tools", "node_modules", "@anthropic-ai", "sdk");
        if (!File.Exists(Path.Combine(sdk, "package.json")))
            Assert.Fail($"@anthropic-ai/sdk is not installed at {sdk}; run ./test.sh (it installs tests/tools into .tools/).");
        var script = Path.Combine(root, "tests", "Core.Tests", "AnthropicApi", "anthropic-sdk-client.cjs");
        var start = new ProcessStartInfo("node", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ANTHROPIC_SDK_PATH"] = sdk;
        start.Environment["GATEWAY_URL"] = Gw.BaseAddress.ToString().TrimEnd('/');
        start.Environment["GATEWAY_KEY"] = Yaml.MasterKey;
        start.Environment["GATEWAY_MODEL"] = model;
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"the SDK client failed: {await stderr}");
        return JsonDocument.Parse(await stdout).RootElement;
    }

    private static string RepoRoot() => RepoPaths.Root();
}
