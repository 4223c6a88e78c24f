using Gateway.Config;
using Gateway.Keys;
using Gateway.Spend.Ingest;
using Microsoft.AspNetCore.Http;

namespace Gateway.Triggers;

/// <summary>
/// The Azure function app's non-HTTP functions, as the custom handler receives them: <c>spend-ingest</c> (Event Hubs
/// batch of spend events into the store, idempotently), <c>sweeper</c> (releases expired reservations, then deletes
/// expired spend logs when the retention interval has passed) and
/// <c>alerts</c> (the budget alert sweep over every key).
/// </summary>
public sealed class AzureTriggerEndpoints(TriggerGuard guard, SpendIngest ingest, ReservationSweeper sweeper, Alerts.BudgetAlerts alerts, GatewayConfig config,
    Spend.Retention.SpendLogCleanup retention)
{
    /// <summary>The input binding names in the function.json files.</summary>
    public const string EventsBinding = "events";
    public const string TimerBinding = "timer";

    public async Task SpendIngestAsync(HttpContext ctx)
    {
        await guard.RequireAsync(ctx);
        using var invocation = await FunctionsInvocation.ReadAsync(ctx, config.MaxRequestBytes);
        var (events, bad) = SpendEventReader.ReadBatch(invocation.Input(EventsBinding));
        var result = await ingest.IngestAsync(events, ctx.RequestAborted);
        invocation.Logs.Add($"spend-ingest: {result.Received} event(s), {result.Written} written, {result.Duplicates} already present, {bad.Count + result.Rejected} malformed and dropped");
        await invocation.WriteResultAsync(ctx);
    }

    public async Task SweeperAsync(HttpContext ctx)
    {
        await guard.RequireAsync(ctx);
        using var invocation = await FunctionsInvocation.ReadAsync(ctx, config.MaxRequestBytes);
        var released = await sweeper.SweepAsync(ctx.RequestAborted);
        invocation.Logs.Add($"sweeper: released {released} expired reservation(s)");
        if (await retention.RunIfDueAsync(Spend.Retention.SpendLogCleanup.TriggerBudget, ctx.RequestAborted) is { } purged)
            invocation.Logs.Add($"sweeper: spend-log retention deleted {purged.Deleted} log row(s){(purged.Finished ? "" : ", more on the next run")}");
        await invocation.WriteResultAsync(ctx);
    }

    public async Task AlertsAsync(HttpContext ctx)
    {
        await guard.RequireAsync(ctx);
        using var invocation = await FunctionsInvocation.ReadAsync(ctx, config.MaxRequestBytes);
        var raised = await alerts.SweepAsync(ctx.RequestAborted);
        invocation.Logs.Add($"alerts: {raised.Count} budget alert(s)");
        foreach (var a in raised) invocation.Logs.Add($"{a.Kind}: key {a.KeyAlias ?? a.KeyHash[..12]} spent {a.Spend} of {a.Threshold} USD");
        await invocation.WriteResultAsync(ctx);
    }
}
