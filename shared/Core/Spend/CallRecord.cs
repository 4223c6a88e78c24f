using Gateway.Auth;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Pricing;
using Gateway.Routing;
using Gateway.Routing.Failures;
using Gateway.Spend.Ingest;

namespace Gateway.Spend;

/// <summary>
/// What the gateway learns about one admitted call as it runs (model, deployment tried and served, first chunk, usage,
/// outcome), turned into exactly one <see cref="SpendEvent"/> at the end, whatever the end is.
/// </summary>
public sealed class CallRecord
{
    private readonly SpendRecorder _recorder;
    private readonly GatewayRequestFeature _timing;
    private readonly CallerIdentity _caller;
    private readonly DateTimeOffset _start;
    private string? _firstGroup;
    private readonly List<string> _tried = [];
    private int _emitted;
    private GatewayException? _error;

    internal CallRecord(SpendRecorder recorder, GatewayRequestFeature timing, CallerIdentity caller, string callType, string? traceId, DateTimeOffset start)
    {
        _recorder = recorder;
        _timing = timing;
        _caller = caller;
        _start = start;
        CallType = callType;
        TraceId = traceId;
    }

    public string CallType { get; }
    public string? TraceId { get; }
    public string Model { get; private set; } = "";
    public bool Stream { get; private set; }
    public string? EndUser { get; private set; }
    public Deployment? Served { get; private set; }
    public bool Emitted => Volatile.Read(ref _emitted) == 1;
    internal ReadOnlyMemory<byte> RequestBody { get; set; }
    internal ReadOnlyMemory<byte> ResponseBody { get; set; }

    /// <summary>The output cap per choice the budget lowered the call to (<c>budget_enforcement: cap</c>).</summary>
    public int? MaxTokensCapped { get; set; }

    /// <summary>For calls that are not model calls (token counting): no spend event.</summary>
    public void NotBillable() => Interlocked.Exchange(ref _emitted, 1);

    /// <summary>What the client asked for, once the endpoint has read it.</summary>
    public void Describe(string model, bool stream, string? endUser = null, IReadOnlyList<string>? tags = null)
    {
        Model = model;
        Stream = stream;
        EndUser = endUser;
        RequestTags = tags ?? [];
    }

    /// <summary>Tags the request itself carried (<c>tags</c>, <c>metadata.tags</c>); the key's tags are added to them.</summary>
    public IReadOnlyList<string> RequestTags { get; private set; } = [];

    /// <summary>The router is about to try <paramref name="deployment"/>; the last one tried is the one that served the call.</summary>
    public void Attempting(Deployment deployment)
    {
        _firstGroup ??= deployment.Config.ModelName;
        lock (_tried) _tried.Add(deployment.Config.Id);
        Served = deployment;
    }

    /// <summary>How many deployments have been tried so far (1 when the first attempt served).</summary>
    public int Attempts
    {
        get { lock (_tried) return _tried.Count; }
    }

    /// <summary>Notes an error that is about to be answered (the event is written when the request ends).</summary>
    public void Failed(GatewayException e) => _error ??= e;

    /// <summary>The rates of the deployment that served the call (null: unknown model, or no deployment reached).</summary>
    public ModelRates? Rates => Served is { } d ? _recorder.Prices.Rates(d.Config) : null;

    private (TokenUsage Usage, CostBreakdown Cost)? _priced;

    /// <summary>
    /// Prices usage at the serving deployment's rates (zero for an unknown model). The usage chunk's cost, the budget
    /// settle and the spend event all ask for the same usage: it is priced once.
    /// </summary>
    public CostBreakdown Price(TokenUsage usage)
    {
        if (_priced is { } p && p.Usage == usage) return p.Cost;
        var cost = Rates is { } r ? CostCalculator.Price(r, usage, duration: r.IsPerSecond ? _recorder.Now - _start : default) : CostBreakdown.Zero;
        _priced = (usage, cost);
        return cost;
    }

    /// <summary>Writes the call's one spend event (later calls do nothing) and waits until it is durably handed off.</summary>
    /// <param name="estimated">The usage is the pipeline's estimate, not the upstream's report.</param>
    public Task EmitAsync(TokenUsage? usage, bool estimated = false, GatewayException? error = null)
    {
        if (Interlocked.Exchange(ref _emitted, 1) == 1) return Task.CompletedTask;
        var e = Build(usage, error ?? _error, estimated);
        Telemetry.CallSpans.Settled(Span, e, _recorder.Now - _start);
        return Span is null ? _recorder.HandOffAsync(e) : HandOffTracedAsync(e);
    }

    private async Task HandOffTracedAsync(SpendEvent e)
    {
        using var handoff = Telemetry.CallSpans.Child(Span, "spend handoff");
        await _recorder.HandOffAsync(e);
    }

    /// <summary>The call's span, when calls are traced: the spend event's usage, cost and error are put on it.</summary>
    public System.Diagnostics.Activity? Span { get; set; }

    /// <summary>A before-call hook (a cache) answered the call.</summary>
    public void MarkCacheHit(decimal saved = 0m)
    {
        _cacheHit = true;
        _saved = saved;
    }

    /// <summary>The cache knew part of the answer (some inputs of an embedding batch): not a hit, but it saved their cost.</summary>
    public void MarkPartlyCached(decimal saved) => _saved = saved;

    private bool _cacheHit;
    private decimal _saved;

    /// <summary>What a cache hit saved (its original cost); 0 otherwise.</summary>
    public decimal Saved => _saved;

    /// <summary>Writes the event of a call that ended without usage: with the error an error writer noted, else <paramref name="fallback"/>.</summary>
    public Task EmitFailureAsync(GatewayException fallback)
    {
        if (Interlocked.Exchange(ref _emitted, 1) == 1) return Task.CompletedTask;
        return _recorder.HandOffAsync(Build(null, _error ?? fallback, estimated: false));
    }

    private List<string> Tried()
    {
        lock (_tried) return [.. _tried];
    }

    internal SpendEvent Build(TokenUsage? usage, GatewayException? error, bool estimated)
    {
        var u = usage ?? TokenUsage.None;
        var cost = Price(u);
        var grant = _caller.Grant;
        var d = Served?.Config;
        var tags = new List<string>(RequestTags);
        if (grant?.Key.Tags is { } kt) tags.AddRange(kt.Where(k => !tags.Contains(k)));
        return new SpendEvent
        {
            Id = _timing.RequestId,
            TraceId = TraceId ?? _timing.RequestId,
            CallType = CallType,
            Stream = Stream,
            StartTime = _start,
            EndTime = _recorder.Now,
            CompletionStartTime = _timing.FirstChunkAt,
            Model = Model.Length > 0 ? Model : "(unknown)",
            ModelGroup = d?.ModelName,
            DeploymentId = d?.Id,
            Provider = d?.Provider,
            UpstreamModel = d?.UpstreamModel,
            ApiBase = d?.ApiBase,
            KeyHash = _caller.KeyHash,
            KeyAlias = grant?.Key.Alias,
            TeamId = grant?.Key.TeamId,
            UserId = grant?.Key.UserId,
            EndUser = EndUser,
            Tags = tags,
            Metadata = grant?.Key.Metadata?.DeepClone().AsObject(),
            PromptTokens = u.PromptTokens,
            CompletionTokens = u.CompletionTokens,
            TotalTokens = u.TotalTokens,
            CacheReadTokens = u.CachedTokens,
            CacheWriteTokens = u.CacheWriteTokens,
            ReasoningTokens = u.ReasoningTokens,
            Spend = cost.Total,
            CostBreakdown = new SpendBreakdown(cost.Input, cost.CacheRead, cost.CacheWrite, cost.Output, cost.Reasoning, cost.Request, cost.Images),
            Priced = Served is null || Rates is not null,
            UsageEstimated = estimated,
            CacheHit = _cacheHit,
            MaxTokensCapped = MaxTokensCapped,
            NoLog = _recorder.NoLogs,
            Saved = _saved,
            Status = error is null ? SpendStatus.Success : SpendStatus.Failure,
            HttpStatus = error?.Status ?? 200,
            ErrorClass = error?.Type,
            ErrorCode = error?.Code,
            FailureClass = error is { Status: not 499 } ? error.Failure.Name() : null,
            Retries = Math.Max(0, Attempts - 1),
            Fallback = Served is not null && _firstGroup is not null && Served.Config.ModelName != _firstGroup,
            DeploymentsTried = Tried(),
            OverheadMs = Math.Round(Math.Max(0, _timing.OverheadMilliseconds), 3),
            RequestBody = _recorder.Bodies.Capture(RequestBody),
            ResponseBody = _recorder.Bodies.Capture(ResponseBody),
        };
    }
}
