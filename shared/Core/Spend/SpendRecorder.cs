using Gateway.Auth;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Pricing;
using Microsoft.Extensions.Logging;

namespace Gateway.Spend;

/// <summary>Starts a <see cref="CallRecord"/> for each admitted call and hands its finished event to the sink.</summary>
public sealed partial class SpendRecorder(PriceBook prices, SpendHandOff handOff, BodyCapture bodies, SpendLogOptions logs, TimeProvider time, ILogger<SpendRecorder> log)
{
    /// <summary><c>general_settings.disable_spend_logs</c>: events are counted but not kept as logs.</summary>
    public bool NoLogs => logs.Disabled;

    private readonly HashSet<string> _unpricedWarned = new(StringComparer.Ordinal);

    public PriceBook Prices => prices;
    public BodyCapture Bodies => bodies;
    public DateTimeOffset Now => time.GetUtcNow();

    /// <param name="traceId">The caller's trace id (<see cref="Http.TraceIds"/>); the request id stands in when there is none.</param>
    public CallRecord Start(GatewayRequestFeature timing, CallerIdentity caller, CallKind kind, IModelRequest request, ReadOnlyMemory<byte> body, string? traceId)
    {
        var record = new CallRecord(this, timing, caller, kind.SpendName(), traceId, time.GetUtcNow());
        record.Describe(request.Model, request.Stream, request.EndUser, request.Tags);
        // A copy the call owns: the pooled request buffer goes back to the pool when the request ends, and another
        // request's prompt must never land in this call's log.
        if (bodies.Enabled) record.RequestBody = bodies.Copy(body);
        return record;
    }

    internal Task HandOffAsync(SpendEvent e)
    {
        if (!e.Priced) WarnUnpriced(e);
        return handOff.HandOffAsync(e);
    }

    private void WarnUnpriced(SpendEvent e)
    {
        var name = e.Provider + "/" + e.UpstreamModel;
        lock (_unpricedWarned)
            if (!_unpricedWarned.Add(name)) return;
        LogUnpriced(log, e.ModelGroup ?? e.Model, name);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No price for model group {Group} ({Model}): its calls are booked at $0 and their spend events say priced=false. Add input_cost_per_token/output_cost_per_token to its model_info.")]
    private static partial void LogUnpriced(ILogger log, string group, string model);
}

/// <summary>
/// Request and response bodies in spend events: off unless <c>general_settings.store_prompts_in_spend_logs</c> is true,
/// and then each capped at <c>general_settings.spend_logs_max_body_bytes</c> (default 16 KiB).
/// </summary>
public sealed record BodyCapture(bool Enabled, int MaxBytes)
{
    public const int DefaultMaxBytes = 16 * 1024;

    /// <summary>An owned copy of as much of a body as a spend log keeps (one byte more, so the log can say it was cut).</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlyMemory<byte> body) => body[..Math.Min(body.Length, MaxBytes + 1)].ToArray();

    public string? Capture(ReadOnlyMemory<byte> body)
    {
        if (!Enabled || body.IsEmpty) return null;
        var span = body.Span[..Math.Min(body.Length, MaxBytes)];
        var text = System.Text.Encoding.UTF8.GetString(span);
        return body.Length > MaxBytes ? text + "…[truncated]" : text;
    }
}

/// <summary>Whether calls leave a spend log (<c>general_settings.disable_spend_logs</c> turns it off; rollups and budgets stay exact).</summary>
public sealed record SpendLogOptions(bool Disabled);
