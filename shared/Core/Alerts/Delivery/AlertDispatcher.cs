using System.Net.Http.Headers;
using Gateway.Alerts.Config;
using Gateway.Alerts.State;
using Microsoft.Extensions.Logging;

namespace Gateway.Alerts.Delivery;

/// <summary>
/// Delivers alerts at least once. Each channel target is tried when the alert fires; a refusal or a network failure
/// books the attempt in the stored alert with the next try's time (30 s, doubling, at most an hour apart, 8 attempts),
/// and <see cref="RetryDueAsync"/> (every ingest batch and every sweep) tries again. The alert's id goes with each
/// attempt so a receiver can drop a repeat. URLs and the signing secret stay in memory: logs and history name a target
/// by channel and position (<c>slack#0</c>).
/// </summary>
public sealed partial class AlertDispatcher(AlertingSettings settings, IAlertStore store, AlertHttp http, TimeProvider time, ILogger<AlertDispatcher> log)
{
    public const int MaxAttempts = 8;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);
    /// <summary>How far back pending deliveries are looked for (8 attempts take about an hour).</summary>
    private static readonly TimeSpan RetryHorizon = TimeSpan.FromDays(2);

    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << Math.Min(attempts - 1, 20)));

    /// <summary>One delivery per configured target of each channel, all due now.</summary>
    public List<AlertDelivery> TargetsFor(string alertType, DateTimeOffset now) =>
        [.. settings.Channels.SelectMany(c => settings.Targets(c, alertType).Select((_, i) => new AlertDelivery { Channel = c, Target = i, NextAttemptAt = now }))];

    /// <summary>Tries every due target of <paramref name="alert"/> once and stores the outcome.</summary>
    public async Task DeliverAsync(AlertRecord alert, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var tried = false;
        foreach (var d in alert.Deliveries.Where(d => d.State == DeliveryState.Pending && d.NextAttemptAt <= now))
        {
            tried = true;
            d.Attempts++;
            var urls = settings.Targets(d.Channel, alert.AlertType);
            var (status, error) = d.Target < urls.Count
                ? await SendAsync(d.Channel, urls[d.Target], alert, now, ct)
                : (0, "the target is no longer configured");
            d.LastStatus = status == 0 ? null : status;
            if (error is null)
            {
                d.State = DeliveryState.Delivered;
                d.DeliveredAt = now;
                d.LastError = null;
                LogDelivered(log, alert.Id, d.Name, d.Attempts);
                continue;
            }
            d.LastError = error;
            if (d.Attempts >= MaxAttempts || d.Target >= urls.Count) d.State = DeliveryState.Failed;
            else d.NextAttemptAt = now + Backoff(d.Attempts);
            LogRefused(log, alert.Id, d.Name, d.Attempts, error);
        }
        if (tried) await store.SaveAlertAsync(alert, ct);
    }

    /// <summary>Retries every stored alert with a target due; returns how many alerts were tried.</summary>
    public async Task<int> RetryDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = (await store.ListAlertsAsync(now - RetryHorizon, 1000, ct)).Where(a => a.NextAttemptAt <= now).ToList();
        foreach (var a in due) await DeliverAsync(a, ct);
        return due.Count;
    }

    /// <summary>Posts one alert to one URL; null error on a 2xx answer.</summary>
    internal async Task<(int Status, string? Error)> SendAsync(string channel, string url, AlertRecord alert, DateTimeOffset now, CancellationToken ct)
    {
        var body = channel switch
        {
            AlertChannels.Slack => SlackMessage.Build(alert),
            AlertChannels.Teams => TeamsCard.Build(alert),
            _ => WebhookPayload.Build(alert),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("x-gateway-alert-id", alert.Id);
        if (channel == AlertChannels.Webhook && settings.SigningSecret is { } secret)
        {
            var ts = now.ToUnixTimeSeconds();
            request.Headers.TryAddWithoutValidation(WebhookSigner.TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(WebhookSigner.SignatureHeader, WebhookSigner.Sign(secret, ts, body));
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AlertHttp.Timeout);
        try
        {
            using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return (status, response.IsSuccessStatusCode ? null : $"answered {status}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (0, "timed out");
        }
        catch (HttpRequestException e)
        {
            // The exception's message can carry the host; the error kind says enough.
            return (0, "unreachable (" + (e.HttpRequestError.ToString()) + ")");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} delivered to {Target} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger log, string alertId, string target, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} not delivered to {Target} (attempt {Attempt}): {Error}")]
    private static partial void LogRefused(ILogger log, string alertId, string target, int attempt, string error);
}

/// <summary>The HTTP client alerts go out on: no redirects (a webhook URL is where the secret goes, nowhere else).</summary>
public sealed class AlertHttp : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public HttpClient Client { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    public void Dispose() => Client.Dispose();
}
