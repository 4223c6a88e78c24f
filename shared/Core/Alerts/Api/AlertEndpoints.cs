using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Alerts.Config;
using Gateway.Alerts.Delivery;
using Gateway.Alerts.State;
using Gateway.Http;
using Gateway.Keys.Api;
using Microsoft.AspNetCore.Http;

namespace Gateway.Alerts.Api;

/// <summary>
/// The alert history and a channel test (master key): <c>GET /alerts</c> lists what fired, when, to which targets and
/// how delivery went, filtered by <c>subject</c>, <c>rule</c> (the event: <c>budget_crossed</c>, <c>spend_anomaly</c>, ...),
/// <c>type</c> (the alert type), <c>since</c> and <c>until</c>; <c>POST /alerts/test?channel=</c> sends a test message to
/// every target of one channel now and says how each answered.
/// </summary>
public sealed class AlertEndpoints(AdminRequest admin, IAlertStore store, AlertDispatcher dispatcher, AlertingSettings settings, TimeProvider time)
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public async Task ListAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var now = time.GetUtcNow();
        var since = Time(ctx, "since") ?? now.AddDays(-30);
        var until = Time(ctx, "until") ?? now;
        var limit = DefaultLimit;
        if (AdminRequest.OptionalQuery(ctx, "limit") is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
            throw Errors.InvalidField("limit", $"'{l}' must be a whole number from 1 to {MaxLimit}");
        var subject = AdminRequest.OptionalQuery(ctx, "subject");
        var rule = AdminRequest.OptionalQuery(ctx, "rule");
        var type = AdminRequest.OptionalQuery(ctx, "type");
        if (type is not null && !AlertTypes.All.Contains(type))
            throw Errors.InvalidField("type", $"'{type}' is not an alert type; use one of {string.Join(", ", AlertTypes.All)}");

        var data = new JsonArray();
        foreach (var a in await store.ListAlertsAsync(since, MaxLimit, ctx.RequestAborted))
        {
            if (a.FiredAt > until || (subject is not null && a.Subject != subject) || (rule is not null && a.Event != rule) || (type is not null && a.AlertType != type)) continue;
            if (data.Count == limit) break;
            var node = JsonSerializer.SerializeToNode(a, AlertsJson.Default.AlertRecord)!.AsObject();
            node["status"] = a.Status;
            data.Add((JsonNode)node);
        }
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["data"] = data });
    }

    public async Task TestAsync(HttpContext ctx)
    {
        await admin.RequireMasterAsync(ctx);
        var channel = AdminRequest.Query(ctx, "channel");
        if (!AlertChannels.All.Contains(channel))
            throw Errors.InvalidField("channel", $"'{channel}' is not a channel; use {string.Join(", ", AlertChannels.All)}");
        var urls = settings.Targets(channel, "test");
        if (!settings.Channels.Contains(channel) || urls.Count == 0)
            throw Errors.InvalidField("channel", $"'{channel}' is not configured: name it in general_settings.alerting and set its URL ({EnvironmentName(channel)})");
        var now = time.GetUtcNow();
        var alert = new AlertRecord
        {
            Id = "test|" + Guid.NewGuid().ToString("N"),
            AlertType = "test",
            Event = "test",
            EventGroup = "proxy",
            Subject = channel,
            Message = $"A test alert from the gateway to the {channel} channel, sent at {now:yyyy-MM-dd HH:mm:ss} UTC.",
            FiredAt = now,
        };
        var results = new JsonArray();
        for (var i = 0; i < urls.Count; i++)
        {
            var (status, error) = await dispatcher.SendAsync(channel, urls[i], alert, now, ctx.RequestAborted);
            results.Add((JsonNode)new JsonObject { ["target"] = $"{channel}#{i}", ["status"] = status == 0 ? null : status, ["delivered"] = error is null, ["error"] = error });
        }
        await AdminRequest.WriteAsync(ctx, new JsonObject { ["channel"] = channel, ["alert_id"] = alert.Id, ["targets"] = results });
    }

    private static string EnvironmentName(string channel) => channel switch
    {
        AlertChannels.Slack => "SLACK_WEBHOOK_URL",
        AlertChannels.Teams => "TEAMS_WEBHOOK_URL",
        _ => "WEBHOOK_URL",
    };

    private static DateTimeOffset? Time(HttpContext ctx, string name)
    {
        if (AdminRequest.OptionalQuery(ctx, name) is not { } text) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        throw Errors.InvalidField(name, $"'{text}' is not a time; use ISO 8601 (2026-12-01 or 2026-12-01T10:00:00Z)");
    }
}
