using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Responses;

/// <summary>
/// The official clients, unchanged, against <c>/v1/responses</c> and <c>/v1/completions</c> on every provider: the
/// <c>openai</c> npm SDK (create, a tool call answered through <c>previous_response_id</c>, stream), the Vercel AI SDK's
/// <c>openai.responses()</c> model, and the OpenAI Agents SDK running a two-turn agent with a function tool, streamed and
/// not. One node process runs them all (suite time). Fails, never skips, when a package is missing.
/// </summary>
public sealed class ResponsesSdkTests : IAsyncLifetime
{
    private ResponsesGateway _r = null!;

    public async Task InitializeAsync() => _r = await ResponsesGateway.StartAsync();

    public async Task DisposeAsync() => await _r.DisposeAsync();

    [Fact]
    public async Task Every_client_reads_every_provider_streamed_and_not()
    {
        NodeTools.Package("@openai/agents");
        NodeTools.Package("@ai-sdk/openai");
        var result = await NodeTools.RunAsync(Path.Combine("tests", "Core.Tests", "Responses", "responses-sdk-clients.cjs"), new Dictionary<string, string>
        {
            ["NODE_TOOLS"] = NodeTools.Modules(),
            ["GATEWAY_URL"] = _r.Gw.BaseAddress.ToString().TrimEnd('/'),
            ["GATEWAY_KEY"] = Yaml.MasterKey,
            ["GATEWAY_MODELS"] = string.Join(",", ResponsesGateway.Models),
        });

        foreach (var model in ResponsesGateway.Models)
        {
            var m = result.GetProperty(model);
            var openai = m.GetProperty("openai");
            Assert.Equal(WeatherFakes.Plain, openai.GetProperty("created").GetProperty("text").GetString());
            Assert.Equal("completed", openai.GetProperty("created").GetProperty("status").GetString());
            Assert.True(openai.GetProperty("created").GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0, model);
            Assert.Equal("get_weather", openai.GetProperty("call").GetProperty("name").GetString());
            Assert.Equal("Paris", JsonDocument.Parse(openai.GetProperty("call").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
            Assert.Equal(WeatherFakes.AfterTool, openai.GetProperty("answered").GetProperty("text").GetString());
            var stream = openai.GetProperty("stream");
            Assert.Equal(WeatherFakes.Plain, stream.GetProperty("text").GetString());
            Assert.Equal(WeatherFakes.Plain, string.Concat(stream.GetProperty("deltas").EnumerateArray().Select(d => d.GetString())));
            Assert.Equal("response.completed", stream.GetProperty("types").EnumerateArray().Last().GetString());
            Assert.True(stream.GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0, model);

            var vercel = m.GetProperty("vercel");
            Assert.Equal(WeatherFakes.Plain, vercel.GetProperty("generate").GetProperty("text").GetString());
            Assert.Equal("stop", vercel.GetProperty("generate").GetProperty("finish").GetString());
            Assert.Equal(WeatherFakes.Plain, vercel.GetProperty("stream").GetProperty("text").GetString());
            Assert.True(vercel.GetProperty("stream").GetProperty("usage").GetProperty("outputTokens").GetInt32() > 0, model);

            foreach (var run in new[] { "plain", "streamed" })
            {
                var agent = m.GetProperty("agents").GetProperty(run);
                Assert.Equal(WeatherFakes.AfterTool, agent.GetProperty("first").GetString());
                Assert.Equal(WeatherFakes.AfterTool, agent.GetProperty("second").GetString()); // the second turn still sees the tool's result
                var calls = agent.GetProperty("calls").EnumerateArray().Select(c => c.GetString()).ToList();
                // Bridged, the second turn is rebuilt from the kept conversation, tool result included, so the tool runs once.
                // The native fake keeps no history (OpenAI would), so it calls the tool again.
                if (model == "gpt-native") Assert.Equal("Paris", calls[0]);
                else Assert.Equal(["Paris"], calls);
                Assert.NotEqual(agent.GetProperty("firstId").GetString(), agent.GetProperty("secondId").GetString());
            }

            var completions = m.GetProperty("completions");
            Assert.Equal(WeatherFakes.Plain, completions.GetProperty("whole").GetProperty("text").GetString());
            Assert.Equal("text_completion", completions.GetProperty("whole").GetProperty("object").GetString());
            Assert.Equal(WeatherFakes.Plain, completions.GetProperty("stream").GetProperty("text").GetString());
            Assert.Equal("stop", completions.GetProperty("stream").GetProperty("finish").GetString());
            Assert.True(completions.GetProperty("stream").GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0, model);
        }
    }
}
