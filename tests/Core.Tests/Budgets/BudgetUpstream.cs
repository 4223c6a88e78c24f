using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Budgets;

/// <summary>
/// OpenAI-format upstreams for budget tests, each on loopback: <see cref="Honest"/> keeps to the request's output cap
/// (<c>max_completion_tokens</c>, else <c>max_tokens</c>) and answers <see cref="Produce"/> tokens at most, one word a
/// token, with usage; <see cref="Ignoring"/> streams 400 words whatever the cap says. Gateway models over them are
/// priced in <c>litellm_params</c>: $0.000001 per input token, $0.001 per output token, at most 100 output tokens.
/// </summary>
public sealed class BudgetUpstream : IAsyncDisposable
{
    public const decimal OutputPrice = 0.001m;
    public const int PromptTokens = 10;

    private BudgetUpstream(FakeUpstream honest, FakeUpstream ignoring) => (Honest, Ignoring) = (honest, ignoring);

    public FakeUpstream Honest { get; }
    public FakeUpstream Ignoring { get; }

    /// <summary>How many tokens the honest upstream writes when its cap allows.</summary>
    public int Produce { get; set; } = 5;

    public static async Task<BudgetUpstream> StartAsync()
    {
        BudgetUpstream? self = null;
        var honest = await FakeUpstream.StartAsync((ctx, r) => AnswerAsync(ctx, r, Math.Min(self!.Produce, CapOf(r) ?? int.MaxValue)));
        var ignoring = await FakeUpstream.StartAsync((ctx, r) => AnswerAsync(ctx, r, 400));
        return self = new BudgetUpstream(honest, ignoring);
    }

    /// <summary>The cap the upstream was sent: <c>max_completion_tokens</c>, else <c>max_tokens</c>.</summary>
    public static int? CapOf(RecordedRequest r)
    {
        var root = JsonDocument.Parse(r.Body).RootElement;
        if (root.TryGetProperty("max_completion_tokens", out var c) && c.ValueKind == JsonValueKind.Number) return c.GetInt32();
        return root.TryGetProperty("max_tokens", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : null;
    }

    private static Task AnswerAsync(HttpContext ctx, RecordedRequest r, int tokens)
    {
        var words = Enumerable.Repeat("word ", tokens).ToList();
        if (!JsonDocument.Parse(r.Body).RootElement.TryGetProperty("stream", out var s) || s.ValueKind != JsonValueKind.True)
            return OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion(string.Concat(words), PromptTokens, tokens, tokens == CapOf(r) ? "length" : "stop"));
        return OpenAIWire.WriteStreamAsync(ctx, OpenAIWire.TextStream(words, includeUsage: true, PromptTokens, tokens));
    }

    /// <summary>The gateway models: <c>capped</c> and <c>reasoning</c> (o3-mini) on the honest upstream, <c>ignoring</c> on the other.</summary>
    public string Models => $"""
          - model_name: capped
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {Honest.V1}
              api_key: sk-upstream-key
              input_cost_per_token: 0.000001
              output_cost_per_token: 0.001
            model_info:
              max_output_tokens: 100
          - model_name: reasoning
            litellm_params:
              model: openai/o3-mini
              api_base: {Honest.V1}
              api_key: sk-upstream-key
              input_cost_per_token: 0.000001
              output_cost_per_token: 0.001
            model_info:
              max_output_tokens: 100
          - model_name: ignoring
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {Ignoring.V1}
              api_key: sk-upstream-key
              input_cost_per_token: 0.000001
              output_cost_per_token: 0.001
            model_info:
              max_output_tokens: 100
        """;

    /// <summary>A gateway over these models with its own SQLite store; <paramref name="litellmSettings"/> lines go under <c>litellm_settings</c>.</summary>
    public Task<TestGateway> GatewayAsync(string? litellmSettings = null, TimeProvider? clock = null) =>
        TestGateway.StartAsync(Yaml.Config(extraModels: Models) + (litellmSettings is null ? "" : "\nlitellm_settings:\n" + litellmSettings),
            new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() }, clock is null ? null : TestClock.Use(clock));

    public async ValueTask DisposeAsync()
    {
        await Honest.DisposeAsync();
        await Ignoring.DisposeAsync();
    }
}
