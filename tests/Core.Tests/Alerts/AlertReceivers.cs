using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Alerts.Delivery;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Alerts;

/// <summary>
/// Loopback receivers for the three channels. Each checks what a real one would: Slack's Block Kit body, the Teams
/// workflow's Adaptive Card message, the webhook's LiteLLM fields and its HMAC and timestamp. A receiver can refuse the
/// first attempts of each alert (503) to drive retries; it counts what it accepted per alert id.
/// </summary>
public sealed class AlertReceivers : IAsyncDisposable
{
    public const string Secret = "whsec-alert-tests";

    private readonly Dictionary<string, FakeUpstream> _servers = [];
    private readonly ConcurrentDictionary<(string Channel, string AlertId), int> _attempts = new();
    private readonly ConcurrentDictionary<(string Channel, string AlertId), int> _accepted = new();
    private readonly ConcurrentQueue<string> _problems = new();

    public int RefuseFirst { get; set; }
    public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;

    public static async Task<AlertReceivers> StartAsync()
    {
        var r = new AlertReceivers();
        foreach (var channel in (string[])["slack", "teams", "webhook"])
        {
            var c = channel;
            r._servers[channel] = await FakeUpstream.StartAsync(async (ctx, req) =>
            {
                var id = req.Header("x-gateway-alert-id") ?? "(none)";
                var attempt = r._attempts.AddOrUpdate((c, id), 1, (_, n) => n + 1);
                r.Check(c, req);
                if (attempt <= r.RefuseFirst)
                {
                    ctx.Response.StatusCode = 503;
                    return;
                }
                r._accepted.AddOrUpdate((c, id), 1, (_, n) => n + 1);
                ctx.Response.StatusCode = 200;
                await ctx.Response.WriteAsync("ok");
            });
        }
        return r;
    }

    public string Url(string channel) => new Uri(_servers[channel].BaseAddress, channel == "webhook" ? "/hooks/gateway" : "/services/T000/B000/xyz").ToString();

    public IReadOnlyList<RecordedRequest> Requests(string channel) => _servers[channel].Requests;
    public IReadOnlyList<string> Problems => [.. _problems];

    public int Accepted(string channel, string alertId) => _accepted.GetValueOrDefault((channel, alertId));
    public int Attempts(string channel, string alertId) => _attempts.GetValueOrDefault((channel, alertId));
    public IReadOnlyDictionary<string, int> AcceptedBy(string channel) =>
        _accepted.Where(kv => kv.Key.Channel == channel).ToDictionary(kv => kv.Key.AlertId, kv => kv.Value);

    private void Check(string channel, RecordedRequest req)
    {
        var problem = channel switch { "slack" => CheckSlack(req), "teams" => CheckTeams(req), _ => CheckWebhook(req) };
        if (problem is not null) _problems.Enqueue($"{channel}: {problem}");
    }

    private static string? CheckSlack(RecordedRequest req)
    {
        var body = JsonNode.Parse(req.Body)!.AsObject();
        if (body["text"]?.GetValue<string>() is not { Length: > 0 }) return "no fallback text";
        var blocks = body["blocks"]!.AsArray();
        if (blocks[0]!["type"]!.GetValue<string>() != "header" || blocks[0]!["text"]!["type"]!.GetValue<string>() != "plain_text") return "first block is not a plain-text header";
        if (blocks[0]!["text"]!["text"]!.GetValue<string>().Length > 150) return "header over 150 characters";
        if (blocks[1]!["type"]!.GetValue<string>() != "section" || blocks[1]!["text"]!["type"]!.GetValue<string>() != "mrkdwn") return "second block is not a mrkdwn section";
        if (blocks[1]!["fields"] is JsonArray fields && fields.Count > 10) return "more than 10 fields";
        if (blocks[^1]!["type"]!.GetValue<string>() != "context") return "no context block";
        return null;
    }

    private static string? CheckTeams(RecordedRequest req)
    {
        var body = JsonNode.Parse(req.Body)!.AsObject();
        if (body["type"]?.GetValue<string>() != "message") return "type is not message";
        var attachment = body["attachments"]!.AsArray().Single()!;
        if (attachment["contentType"]!.GetValue<string>() != "application/vnd.microsoft.card.adaptive") return "not an adaptive card";
        var card = attachment["content"]!;
        if (card["type"]!.GetValue<string>() != "AdaptiveCard" || card["version"]!.GetValue<string>() != "1.4") return "card type or version";
        var items = card["body"]!.AsArray();
        if (items[0]!["type"]!.GetValue<string>() != "TextBlock" || items.All(i => i!["type"]!.GetValue<string>() != "FactSet")) return "no title or facts";
        return null;
    }

    private string? CheckWebhook(RecordedRequest req)
    {
        if (!WebhookSigner.Verify(Secret, req.Header("x-gateway-timestamp"), req.Header("x-gateway-signature"), Encoding.UTF8.GetBytes(req.Body), Now(), TimeSpan.FromMinutes(5)))
            return "signature or timestamp does not verify";
        var body = JsonNode.Parse(req.Body)!.AsObject();
        string[] fields = ["spend", "max_budget", "token", "user_id", "team_id", "user_email", "key_alias", "customer_id",
            "projected_exceeded_date", "projected_spend", "event", "event_group", "event_message"];
        if (fields.FirstOrDefault(f => !body.ContainsKey(f)) is { } missing) return $"no '{missing}' field";
        if (body["alert_id"]?.GetValue<string>() != req.Header("x-gateway-alert-id")) return "alert_id differs from the header";
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _servers.Values) await s.DisposeAsync();
    }
}
