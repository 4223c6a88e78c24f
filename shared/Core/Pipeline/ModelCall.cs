using System.Globalization;
using Gateway.Auth;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Keys;
using Gateway.Limits;
using Gateway.AnthropicApi;
using Gateway.Routing;
using Gateway.Spend;
using Gateway.Tokens;
using Microsoft.AspNetCore.Http;

namespace Gateway.Pipeline;

/// <summary>
/// One admitted model call as it goes through the pipeline: who called, the parsed request, the model group, the
/// reservation and the spend record. It ends exactly once, in <see cref="CompleteAsync"/> or <see cref="FailAsync"/>,
/// which books one usage figure (reported or estimated) in the budget counters and the spend event alike.
/// </summary>
public sealed class ModelCall
{
    public const string ResponseCostHeader = "x-gateway-response-cost";

    private readonly HttpResponse _response;
    private readonly CallBudget? _budget;
    private readonly TokenCounters? _tokens;
    private readonly Func<ModelCall, Task>? _afterCall;
    private int _finished;
    private bool _tokenizerFailed;

    internal ModelCall(CallKind kind, CallerIdentity caller, IModelRequest request, ModelGroup group, GatewayRequestFeature timing,
        CallRecord? record, CallBudget? budget, HttpResponse response, TokenCounters? tokens = null, Func<ModelCall, Task>? finished = null)
    {
        Kind = kind;
        Caller = caller;
        Request = request;
        Group = group;
        Timing = timing;
        Record = record;
        _budget = budget;
        _response = response;
        _tokens = tokens;
        _afterCall = finished;
        // The generated text is kept only when a deployment that may serve the call has a local tokenizer.
        if (tokens?.AnyFor(group) == true) Progress.CaptureText();
    }

    public CallKind Kind { get; }
    public CallerIdentity Caller { get; }
    public IModelRequest Request { get; }
    public ModelGroup Group { get; }
    public GatewayRequestFeature Timing { get; }

    /// <summary>The call's route: run attempts through it (<see cref="RouteAsync"/>).</summary>
    internal CallRoute? Route { get; init; }

    /// <summary>
    /// Step 9: runs <paramref name="attempt"/> on the deployments the router picks, with its retries, fallbacks and
    /// cooldowns; then names the serving deployment in the response headers.
    /// </summary>
    public async Task<T> RouteAsync<T>(Func<Routing.Deployment, Task<T>> attempt, CancellationToken ct)
    {
        var route = Route ?? throw new InvalidOperationException("The call has no route.");
        if (route.Plan.Stream) Timing.OnFirstChunk(route.Trace.FirstChunk);
        var result = await route.RunAsync(attempt, ct);
        if (!_response.HasStarted && route.Trace.Served is { } d)
        {
            _response.Headers[CallRoute.ModelIdHeader] = d.Config.Id;
            _response.Headers[CallRoute.ModelGroupHeader] = d.Config.ModelName;
            _response.Headers[CallRoute.AttemptsHeader] = route.Trace.Attempts.ToString(CultureInfo.InvariantCulture);
        }
        return result;
    }

    /// <summary>Inputs of an embedding batch a before-call hook already knows: only the rest is sent upstream.</summary>
    public Embeddings.KnownEmbeddings? KnownEmbeddings { get; set; }

    /// <summary>The call's spend record (null for free calls such as token counting).</summary>
    public CallRecord? Record { get; }

    /// <summary>What the upstream has produced so far, for estimating usage when none is reported.</summary>
    public OutputProgress Progress { get; } = new();

    /// <summary>The whole answer of a non-streamed call, once it is known (for after-call hooks such as a cache).</summary>
    public ReadOnlyMemory<byte> ResponseBody { get; private set; }

    public bool Finished => Volatile.Read(ref _finished) == 1;

    /// <summary>
    /// In <c>cap</c> mode, the output tokens (all choices) the budget paid for: a stream is ended past it, and a call is
    /// booked at no more output than this even when the upstream ignored its cap. Null in the other modes.
    /// </summary>
    public long? OutputLimit { get; internal init; }

    private bool _stoppedAtCap;

    /// <summary>The stream the client gets: in <c>cap</c> mode, one that ends itself if the upstream ignores the cap.</summary>
    public ChatStream Limited(ChatStream stream) => OutputLimit is { } limit
        ? new Streaming.OutputLimitedStream(stream, limit, Math.Max(1, Request.Choices), UsageAtCut)
        : stream;

    /// <summary>The Anthropic-format events the client gets: in <c>cap</c> mode, ended if the upstream ignores the cap.</summary>
    internal AnthropicApi.MessagesEventSource Limited(AnthropicApi.MessagesEventSource events) => OutputLimit is { } limit
        ? new AnthropicApi.OutputLimitedEvents(events, limit, UsageAtCut)
        : events;

    /// <summary>The usage a stream ended at its cap is booked at: what the upstream reported so far, with the output
    /// relayed estimated, never past the cap.</summary>
    internal TokenUsage UsageAtCut(TokenUsage? soFar)
    {
        _stoppedAtCap = true;
        var (usage, _) = ResolveUsage(soFar, completed: false);
        return OutputLimit is { } limit && usage.CompletionTokens > limit
            ? usage with { CompletionTokens = (int)limit, TotalTokens = usage.PromptTokens + (int)limit }
            : usage;
    }

    private Dictionary<ICallHook, object>? _hookState;

    /// <summary>Keeps what a hook decided before the call (a cache key) for its after-call step.</summary>
    public void SetHookState(ICallHook hook, object state) => (_hookState ??= [])[hook] = state;

    public T? HookState<T>(ICallHook hook) where T : class => _hookState?.GetValueOrDefault(hook) as T;

    /// <summary>Sets a response header while the response has not started (a hook's cache-hit header, say); later it is dropped.</summary>
    public void SetResponseHeader(string name, string value)
    {
        if (!_response.HasStarted) _response.Headers[name] = value;
    }

    /// <summary>How the call ended; null until it has.</summary>
    public CallOutcome? Outcome { get; private set; }

    /// <summary>A non-streamed answer arrived: the upstream accepted the call, and its text counts toward an estimate.</summary>
    public void Answered(ReadOnlyMemory<byte> body)
    {
        Progress.Accept();
        ResponseBody = body;
        if (Record is { } r)
        {
            r.ResponseBody = body;
            Telemetry.CallSpans.Answered(r.Span, body.Span);
        }
    }

    /// <summary>The call succeeded with this usage (null or empty: the upstream reported none, so it is estimated).</summary>
    public Task CompleteAsync(TokenUsage? usage) => FinishAsync(usage, null, answeredByHook: false);

    /// <summary>The call failed or broke off; <paramref name="usageSoFar"/> is what the upstream reported before it did.</summary>
    public Task FailAsync(GatewayException error, TokenUsage? usageSoFar = null) => FinishAsync(usageSoFar, error, answeredByHook: false);

    /// <summary>A before-call hook answered: nothing was used upstream; <paramref name="saved"/> is what the answer cost when it was made.</summary>
    internal Task CompleteFromHookAsync(decimal saved = 0m)
    {
        Record?.MarkCacheHit(saved);
        return FinishAsync(TokenUsage.None, null, answeredByHook: true);
    }

    private async Task FinishAsync(TokenUsage? reported, GatewayException? error, bool answeredByHook)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 1) return;
        // The answer's text is counted only when the upstream reported no usage: no cost on the common path.
        if (reported is not { IsKnown: true } && !ResponseBody.IsEmpty) Progress.Observe(ResponseBody.Span);
        var (usage, estimated) = answeredByHook
            ? (TokenUsage.None, false)
            : ResolveUsage(reported, error is null);
        if (OutputLimit is { } limit && usage.CompletionTokens > limit)
        {
            // The upstream ignored the cap the budget paid for: the budget books no more output than it reserved.
            usage = usage with { CompletionTokens = (int)limit, TotalTokens = usage.PromptTokens + (int)limit, ReasoningTokens = Math.Min(usage.ReasoningTokens, (int)limit) };
            estimated = true;
        }
        estimated |= _stoppedAtCap;
        var cost = Record?.Price(usage).Total ?? 0m;
        if (Record is not null && error is null && !_response.HasStarted) _response.Headers[ResponseCostHeader] = cost.ToString(CultureInfo.InvariantCulture);
        var settle = _budget?.SettleAsync(Money.ToNanos(cost), usage.TotalTokens) ?? Task.FromResult(default(LimitHeaders));
        var spend = Record?.EmitAsync(usage, estimated, error) ?? Task.CompletedTask;
        Route?.Finish(usage.TotalTokens);
        await Task.WhenAll(settle, spend);
        LimitHeadersWriter.Write(_response, settle.Result);
        Outcome = new CallOutcome(usage, estimated, cost, error, answeredByHook);
        if (_afterCall is not null) await _afterCall(this);                // 14. after-call hooks, before the answer completes
    }

    private (TokenUsage Usage, bool Estimated) ResolveUsage(TokenUsage? reported, bool completed)
    {
        var cap = Request.MaxOutputTokens is { } max ? (long)max * Math.Max(1, Request.Choices) : (long?)null;
        try
        {
            return UsageEstimate.Resolve(reported, completed, Progress, EstimatePromptTokens, cap, Tokenizer);
        }
        catch (Exception) when (Tokenizer is not null)
        {
            // The local tokenizer could not load or count: the length rules stand in, so the call still settles.
            _tokenizerFailed = true;
            return UsageEstimate.Resolve(reported, completed, Progress, EstimatePromptTokens, cap);
        }
    }

    /// <summary>The serving deployment's tokenizer, when one is available locally (OpenAI models); else null.</summary>
    private ITokenCounter? Tokenizer => !_tokenizerFailed && _tokens is not null && Record?.Served is { } served ? _tokens.For(served.Config) : null;

    /// <summary>The prompt's tokens: counted with the model's tokenizer where one is local, else about four characters a token.</summary>
    private int EstimatePromptTokens() =>
        Tokenizer is { } tokenizer ? PromptTokens.Count(Request.Root, tokenizer) : TokenEstimate.InputTokens(Request.Root);
}
