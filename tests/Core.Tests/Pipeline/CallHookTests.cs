using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Keys;
using Gateway.Pipeline;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Pipeline;

/// <summary>
/// Before- and after-call hooks plug into every model call: a before-call hook can answer instead of the upstream (as a
/// cache will), after-call hooks see each call's outcome once, and a failing hook never fails the call.
/// </summary>
public sealed class CallHookTests : IAsyncLifetime
{
    private readonly AnsweringHook _answering = new();
    private readonly RecordingHook _recording = new();
    private FakeUpstream _up = null!;
    private TestGateway _gw = null!;

    public async Task InitializeAsync()
    {
        _up = await FakeUpstream.StartAsync((ctx, r) => r.Body.Contains("fail please")
            ? OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("boom", "server_error", null), 500)
            : OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("from upstream", prompt: 10, completion: 3)));
        _gw = await TestGateway.StartAsync(Yaml.Config(_up.V1), new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() },
            services =>
            {
                services.AddSingleton<ICallHook>(new ThrowingHook());
                services.AddSingleton<ICallHook>(_answering);
                services.AddSingleton<ICallHook>(_recording);
            });
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _up.DisposeAsync();
    }

    [Fact]
    public async Task A_before_call_hook_answers_instead_of_the_upstream_and_the_call_costs_nothing()
    {
        var key = await _gw.GenerateAsync("""{"max_budget":1}""");
        using var r = await _gw.ChatAsync(key, "gpt-4o-mini", extra: ",\"metadata\":{\"cached\":\"yes\"}");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(AnsweringHook.Answer, await r.Content.ReadAsStringAsync());
        Assert.Empty(_up.Requests);

        var outcome = Assert.Single(await _recording.WaitForAsync(1));
        Assert.True(outcome.AnsweredByHook);
        Assert.Equal(0m, outcome.Cost);
        var info = await _gw.InfoAsync(key);
        Assert.Equal(0m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        var log = (await _gw.GetJsonAsync("/spend/logs?api_key=" + KeySecrets.Hash(key))).GetProperty("data")[0];
        Assert.True(log.GetProperty("cache_hit").GetBoolean());
        Assert.Equal(0m, log.GetProperty("spend").GetDecimal());
    }

    [Fact]
    public async Task After_call_hooks_see_each_outcome_once_with_the_cost_that_was_booked()
    {
        var key = await _gw.GenerateAsync("""{"max_budget":1}""");
        using (var ok = await _gw.ChatAsync(key, "gpt-4o-mini")) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var failed = await _gw.ChatAsync(key, "gpt-4o-mini", extra: ",\"user\":\"fail please\"")) Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);

        Assert.Equal(2, (await _recording.WaitForAsync(2)).Count);
        var success = _recording.Outcomes.Single(o => o.Succeeded);
        Assert.Equal(13, success.Usage.TotalTokens);
        Assert.False(success.UsageEstimated);
        var info = await _gw.InfoAsync(key);
        Assert.Equal(success.Cost, info.GetProperty("spend").GetDecimal());
        var failure = _recording.Outcomes.Single(o => !o.Succeeded);
        Assert.Equal(500, failure.Error!.Status);
        Assert.Equal(0m, failure.Cost);
        Assert.Equal(2, _recording.Kinds.Count(k => k == CallKind.ChatCompletion));
    }

    [Fact]
    public async Task Hooks_run_for_embeddings_and_the_messages_api_too()
    {
        _up.Handler = (ctx, r) => r.PathAndQuery.Contains("embeddings")
            ? OpenAIWire.WriteJsonAsync(ctx, """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}}""")
            : OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("hi", prompt: 4, completion: 1));
        using var e = await _gw.Http.PostAsync("/v1/embeddings", new StringContent("""{"model":"text-embedding-3-small","input":"hi"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, e.StatusCode);
        using var m = await _gw.Http.PostAsync("/v1/messages", new StringContent("""{"model":"gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, m.StatusCode);
        await _recording.WaitForAsync(2);
        Assert.Equal([CallKind.Embedding, CallKind.AnthropicMessages], _recording.Kinds);
    }

    /// <summary>Answers calls whose metadata says <c>cached: yes</c>, as a cache hit would.</summary>
    private sealed class AnsweringHook : ICallHook
    {
        public const string Answer = """{"id":"chatcmpl-cached","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"cached"},"finish_reason":"stop"}]}""";

        public ValueTask<HookAnswer?> BeforeCallAsync(ModelCall call, CancellationToken ct) =>
            ValueTask.FromResult(call.Request.Root.TryGetProperty("metadata", out var md) && md.TryGetProperty("cached", out _)
                ? new HookAnswer(Encoding.UTF8.GetBytes(Answer)) : null);

        public ValueTask AfterCallAsync(ModelCall call, CallOutcome outcome, CancellationToken ct) => ValueTask.CompletedTask;
    }

    private sealed class RecordingHook : ICallHook
    {
        public ConcurrentQueue<CallOutcome> Outcomes { get; } = new();
        public ConcurrentQueue<CallKind> Kinds { get; } = new();

        public ValueTask<HookAnswer?> BeforeCallAsync(ModelCall call, CancellationToken ct) => ValueTask.FromResult<HookAnswer?>(null);

        /// <summary>After-call hooks run once the response is written, so the client may see it first: wait (bounded).</summary>
        public async Task<List<CallOutcome>> WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Outcomes.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
            return [.. Outcomes];
        }

        public ValueTask AfterCallAsync(ModelCall call, CallOutcome outcome, CancellationToken ct)
        {
            Outcomes.Enqueue(outcome);
            Kinds.Enqueue(call.Kind);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A broken add-on: it is logged and skipped, and the calls above still succeed.</summary>
    private sealed class ThrowingHook : ICallHook
    {
        public ValueTask<HookAnswer?> BeforeCallAsync(ModelCall call, CancellationToken ct) => throw new InvalidOperationException("hook down");
        public ValueTask AfterCallAsync(ModelCall call, CallOutcome outcome, CancellationToken ct) => throw new InvalidOperationException("hook down");
    }
}
