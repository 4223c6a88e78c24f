using System.Text.Json;
using Gateway.Config;
using Gateway.Http;
using Gateway.Keys;
using Gateway.Spend;
using Microsoft.AspNetCore.Http;

namespace Gateway.Triggers;

/// <summary>
/// <c>POST /events</c>: the Lambda Web Adapter's pass-through path for non-HTTP events. DynamoDB Streams batches of the
/// spend table finish the ingest of newly appended log items (their per-day index and rollups, idempotently; see
/// <c>GATEWAY_SPEND_ROLLUPS=stream</c>), run the alert rules for what they touch, and answer with partial-batch failures
/// (<c>{"batchItemFailures":[{"itemIdentifier": sequence number}]}</c>) so Lambda retries only the records that failed;
/// EventBridge scheduled events run the reservation sweeper (and, when its interval has passed, the spend-log retention
/// cleanup) or the alert sweep.
/// </summary>
public sealed class AwsEventsEndpoint(TriggerGuard guard, ReservationSweeper sweeper, Alerts.AlertEngine alerts, Spend.Ingest.SpendIngest ingest, GatewayConfig config,
    Spend.Retention.SpendLogCleanup retention)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        await guard.RequireAsync(ctx);
        using var body = await RequestBody.ReadAsync(ctx.Request, config.MaxRequestBytes, ctx.RequestAborted);
        using var doc = RequestJson.Parse(body.Memory.ToArray());
        var root = doc.RootElement;
        if (root.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array)
            await StreamBatchAsync(ctx, records);
        else if (ScheduledJob(root) is { } job)
            await ScheduledAsync(ctx, job);
        else
            throw Errors.BadRequest("Unknown event: expected a DynamoDB Streams batch (Records) or an EventBridge scheduled event (job sweeper or alerts).", "body", "unknown_event");
    }

    private async Task StreamBatchAsync(HttpContext ctx, JsonElement records)
    {
        var failures = new List<string>();
        var spent = new List<SpendEvent>();
        var appended = new List<(string Sequence, SpendEvent Event)>();
        var seen = 0;
        foreach (var record in records.EnumerateArray())
        {
            var sequence = record.TryGetProperty("dynamodb", out var d) && d.TryGetProperty("SequenceNumber", out var s) ? s.GetString() : null;
            var name = record.TryGetProperty("eventName", out var n) ? n.GetString() : null;
            if (sequence is null)
                throw Errors.InvalidField("Records", "a record without dynamodb.SequenceNumber is not a DynamoDB Streams record");
            if (name == "REMOVE") continue; // an expired (TTL) row: nothing was spent
            if (!d.TryGetProperty("NewImage", out var image) || SpendFrom(image) is not { } e)
            {
                failures.Add(sequence);
                continue;
            }
            seen++;
            spent.Add(e);
            // A new per-key log item (the hand-off's write): its ingest is finished here. Other items (the per-day
            // copy, updates of the same item) carry nothing new.
            if (name == "INSERT" && KeyOf(d) is ['k', '|', ..]) appended.Add((sequence, e));
        }
        if (appended.Count > 0)
        {
            try
            {
                await ingest.IngestAsync([.. appended.Select(a => a.Event)], ctx.RequestAborted);
            }
            catch (Exception x) when (x is not OperationCanceledException)
            {
                // Lambda retries just these records; ingest is idempotent, so the ones that did land count once.
                failures.AddRange(appended.Select(a => a.Sequence));
            }
        }
        var run = await alerts.OnSpendAsync(spent, ctx.RequestAborted);
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.Body);
        w.WriteStartObject();
        w.WriteStartArray("batchItemFailures");
        foreach (var f in failures)
        {
            w.WriteStartObject();
            w.WriteString("itemIdentifier", f);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("spendEvents", seen);
        w.WriteNumber("alerts", run.Fired.Count);
        w.WriteEndObject();
        await w.FlushAsync(ctx.RequestAborted);
    }

    private static string? KeyOf(JsonElement dynamodb) =>
        dynamodb.TryGetProperty("Keys", out var k) && k.TryGetProperty("pk", out var pk) && pk.TryGetProperty("S", out var s) ? s.GetString() : null;

    /// <summary>A spend log row's event: its JSON attribute (a string), as the DynamoDB spend store writes it.</summary>
    private static SpendEvent? SpendFrom(JsonElement image)
    {
        if (image.ValueKind != JsonValueKind.Object) return null;
        foreach (var attribute in image.EnumerateObject())
            if (attribute.Value.ValueKind == JsonValueKind.Object && attribute.Value.TryGetProperty("S", out var text)
                && text.GetString() is ['{', ..] json && SpendEventReader.TryReadJson(json, out var e) && !string.IsNullOrEmpty(e.Id))
                return e;
        return null;
    }

    /// <summary>
    /// The job of a scheduled event: the constant input the stack's schedules send (<c>{"job": "reservation-sweep"}</c> or
    /// <c>"alert-sweep"</c>), or, for a plain scheduled event, the rule name in <c>resources</c>.
    /// </summary>
    private static string? ScheduledJob(JsonElement root)
    {
        if (root.TryGetProperty("job", out var job) && job.ValueKind == JsonValueKind.String) return job.GetString();
        if (root.TryGetProperty("detail-type", out var type) && type.GetString() == "Scheduled Event"
            && root.TryGetProperty("resources", out var resources) && resources.ValueKind == JsonValueKind.Array)
            foreach (var r in resources.EnumerateArray())
                if (r.GetString() is { } arn)
                    // "alert" first: the stack's alert rule is named AlertSweep, which also contains "sweep".
                    return arn.Contains("alert", StringComparison.OrdinalIgnoreCase) ? "alerts" : arn.Contains("sweep", StringComparison.OrdinalIgnoreCase) ? "sweeper" : null;
        return null;
    }

    private async Task ScheduledAsync(HttpContext ctx, string job)
    {
        ctx.Response.ContentType = "application/json";
        switch (job)
        {
            case "sweeper" or "reservation-sweep":
                var released = await sweeper.SweepAsync(ctx.RequestAborted);
                var purged = await retention.RunIfDueAsync(Spend.Retention.SpendLogCleanup.TriggerBudget, ctx.RequestAborted);
                await ctx.Response.WriteAsync($$"""{"job":"sweeper","released":{{released}},"spendLogsDeleted":{{purged?.Deleted ?? 0}}}""", ctx.RequestAborted);
                break;
            case "alerts" or "alert-sweep":
                var run = await alerts.SweepAsync(ctx.RequestAborted);
                await ctx.Response.WriteAsync($$"""{"job":"alerts","alerts":{{run.Fired.Count}},"retried":{{run.Retried}}}""", ctx.RequestAborted);
                break;
            default:
                throw Errors.InvalidField("job", $"'{job}' is not a scheduled job; use reservation-sweep or alert-sweep");
        }
    }
}
