using Gateway.Chat;
using Gateway.Http;

namespace Gateway.Pipeline;

/// <summary>
/// A component that plugs into every model call (a response cache, metrics, alert rules, callbacks) instead of being
/// copied into each endpoint. Hooks run in registration order. A hook that throws is logged and skipped: a failing
/// add-on never fails the call.
/// </summary>
public interface ICallHook
{
    /// <summary>
    /// Runs after the call is admitted and before it is routed. Returning an answer ends the call there (a cache hit):
    /// the answer is sent as is, no upstream is called, and the call is booked at zero cost.
    /// </summary>
    ValueTask<HookAnswer?> BeforeCallAsync(ModelCall call, CancellationToken ct);

    /// <summary>Runs once the call is settled and its spend event handed off, whatever the outcome.</summary>
    ValueTask AfterCallAsync(ModelCall call, CallOutcome outcome, CancellationToken ct);
}

/// <summary>A whole answer a before-call hook gives instead of the upstream (already in the call's API format).</summary>
public sealed record HookAnswer(ReadOnlyMemory<byte> Body, string ContentType = "application/json");

/// <summary>How a call ended: what it used (reported or estimated), what it cost, and its error, if any.</summary>
public sealed record CallOutcome(TokenUsage Usage, bool UsageEstimated, decimal Cost, GatewayException? Error, bool AnsweredByHook)
{
    public bool Succeeded => Error is null;
}
