using System.Text;
using System.Text.Json;
using Gateway.Tests.Conformance.Targets;
using Gateway.Tests.Support;

namespace Gateway.Tests.Conformance;

/// <summary>
/// The same table of cases (<see cref="ConformanceCases"/>), streamed and not, against one provider adapter through a
/// loopback server speaking that provider's wire format. The client side is always OpenAI's format.
/// </summary>
public abstract class ConformanceSuite<TTarget> : IAsyncLifetime where TTarget : ConformanceTarget, new()
{
    private readonly TTarget _target = new();
    private FakeUpstream _up = null!;
    private TestGateway _gw = null!;

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var c in ConformanceCases.All)
        {
            data.Add(c.Name, false);
            data.Add(c.Name, true);
        }
        return data;
    }

    public async Task InitializeAsync()
    {
        _up = await FakeUpstream.StartAsync();
        _gw = await TestGateway.StartAsync(Yaml.Config(extraModels: _target.Models(_up.BaseAddress.ToString().TrimEnd('/'))));
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _up.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case(string name, bool stream)
    {
        var c = ConformanceCases.All.Single(x => x.Name == name);
        _up.Handler = (ctx, _) => _target.AnswerAsync(ctx, c.Reply, stream);
        var body = "{\"model\":\"conf\"," + c.Request[1..^1] + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}" : "}");
        using var response = await _gw.Http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Single(_up.Requests);
        _target.AssertSent(c, _up.Last, stream);

        if (c.Reply is ErrorReply e)
        {
            Assert.Equal(_target.ExpectedStatus(e.Status), (int)response.StatusCode);
            var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
            Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
            return;
        }

        Assert.True(response.IsSuccessStatusCode, text);
        var outcome = stream ? ConformanceOutcome.FromStream(text) : ConformanceOutcome.FromCompletion(text);
        var usage = outcome.Usage ?? throw new Xunit.Sdk.XunitException("no usage in the answer");
        switch (c.Reply)
        {
            case TextReply t:
                Assert.Equal(t.Text, outcome.Text);
                Assert.Empty(outcome.Calls);
                Assert.Equal(t.Finish switch { Finish.Length => "length", Finish.ContentFilter => "content_filter", _ => "stop" }, outcome.Finish);
                AssertUsage(t.Usage, usage);
                break;
            case ToolReply r:
                Assert.Equal("tool_calls", outcome.Finish);
                Assert.Equal(r.Calls.Select(x => x.Name), outcome.Calls.Select(x => x.Name));
                for (var i = 0; i < r.Calls.Length; i++)
                    Assert.Equal(JsonDocument.Parse(r.Calls[i].Arguments).RootElement.GetRawText(), JsonDocument.Parse(outcome.Calls[i].Arguments).RootElement.GetRawText());
                Assert.Equal(r.Calls.Length, outcome.Calls.Select(x => x.Id).Where(id => id.Length > 0).Distinct().Count());
                AssertUsage(r.Usage, usage);
                break;
        }
    }

    private static void AssertUsage(Usage expected, JsonElement usage)
    {
        Assert.Equal(expected.Prompt, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected.Completion, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(expected.Prompt + expected.Completion, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(expected.Cached, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }
}

public sealed class OpenAIConformanceTests : ConformanceSuite<OpenAITarget>;

public sealed class AzureConformanceTests : ConformanceSuite<AzureTarget>;

public sealed class AnthropicConformanceTests : ConformanceSuite<AnthropicTarget>;

public sealed class GeminiConformanceTests : ConformanceSuite<GeminiTarget>;
