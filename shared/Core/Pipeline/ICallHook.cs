using Gateway.Auth;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Routing;

namespace Gateway.Pipeline;

/// <summary>
/// A component that plugs into every model call (a response cache, metrics, alert rules, callbacks) instead of being
/// copied into each endpoint. Hooks run in registration order. A hook that throws is logged and skipped: a failing
/// add-on never fails the call (only <see cref="Screen"/> may refuse a call, and only before it is admitted).
/// </summary>
public interface ICallHook
{
    /// <summary>
    /// Runs with the access checks, before admission: a hook may refuse a request it cannot honour (a bad or forbidden
    /// directive in the body) with a <see cref="GatewayException"/>, which costs the caller no rate-limit slot.
    /// </summary>
    void Screen(CallKind kind, CallerIdentity caller, IModelRequest request, ModelGroup group)
    {
    }

    /// <summary>
    /// Runs after the call is admitted and before it is routed. Returning an answer ends the call there (a cache hit):
    /// the answer is sent as is, no upstream is called, and the call is booked at zero cost.
    /// </summary>
    ValueTask<HookAnswer?> BeforeCallAsync(ModelCall call, CancellationToken ct);

    /// <summary>
    /// The call was refused before it was admitted (bad body, unknown or forbidden model, budget or rate limit):
    /// no <see cref="ModelCall"/> exists. <paramref name="group"/> is null when the model did not resolve.
    /// </summary>
    void Refused(CallKind kind, CallerIdentity caller, ModelGroup? group, GatewayException error)
    {
    }

    /// <summary>
    /// Runs once the call is settled and its spend event handed off, whatever the outcome: before a non-streamed answer is
    /// written, and before a stream's <c>[DONE]</c>. Keep it short; it delays the end of the answer.
    /// </summary>
    ValueTask AfterCallAsync(ModelCall call, CallOutcome outcome, CancellationToken ct);
}

/// <summary>
/// A whole answer a before-call hook gives instead of the upstream, already in the call's API format: a JSON body, or a
/// complete server-sent event stream (<c>text/event-stream</c>) for a streamed call.
/// </summary>
/// <param name="Saved">What the call would have cost upstream (a cache hit's original cost), recorded as the event's <c>saved</c>.</param>
public sealed record HookAnswer(ReadOnlyMemory<byte> Body, string ContentType = "application/json", decimal Saved = 0m)
{
    public const string EventStream = "text/event-stream";

    public bool IsEventStream => ContentType.StartsWith(EventStream, StringComparison.Ordinal);
}

/// <summary>How a call ended: what it used (reported or estimated), what it cost, and its error, if any.</summary>
public sealed record CallOutcome(TokenUsage Usage, bool UsageEstimated, decimal Cost, GatewayException? Error, bool AnsweredByHook)
{
    public bool Succeeded => Error is null;
}
