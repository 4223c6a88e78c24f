using Gateway.Config;
using Gateway.Keys;
using Gateway.Spend.Ingest;
using Microsoft.AspNetCore.Http;

namespace Gateway.Triggers;

/// <summary>
/// The Azure function app's non-HTTP functions, as the custom handler receives them: <c>spend-ingest</c> (Event Hubs
/// batch of spend events into the store, idempotently), <c>sweeper</c> (releases expired reservations, then deletes
/// expired spend logs when the retention interval has passed) and
/// <c>alerts</c> (the alert sweep: budgets, forecasts, today's anomalies, deliveries due a retry). The ingest runs the
/// alert rules for what the batch touched once the batch is stored.
/// </summary>
public sealed class AzureTriggerEndpoints(TriggerGuard guard, SpendIngest ingest, ReservationSweeper sweeper, Alerts.AlertEngine alerts, GatewayConfig config,
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
        var run = await alerts.OnSpendAsync(events, ctx.RequestAborted);
        AddLogs(invocation, run);
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
        AddLogs(invocation, await alerts.SweepAsync(ctx.RequestAborted));
        await invocation.WriteResultAsync(ctx);
    }

    private static void AddLogs(FunctionsInvocation invocation, Alerts.AlertRun run)
    {
        invocation.Logs.Add($"alerts: {run.Fired.Count} fired, {run.Retried} retried");
        foreach (var a in run.Fired) invocation.Logs.Add($"{a.AlertType} {a.Event}: {a.Id}");
    }
}
