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

    private async Task<JsonElement> RunClientAsync(string model) =>
        await NodeTools.RunAsync(Path.Combine("tests", "Core.Tests", "AnthropicApi", "anthropic-sdk-client.cjs"), new Dictionary<string, string>
        {
            ["ANTHROPIC_SDK_PATH"] = NodeTools.Package("@anthropic-ai/sdk"),
            ["GATEWAY_URL"] = Gw.BaseAddress.ToString().TrimEnd('/'),
            ["GATEWAY_KEY"] = Yaml.MasterKey,
            ["GATEWAY_MODEL"] = model,
        });
}
