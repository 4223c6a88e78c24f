using System.Collections.Concurrent;
using Gateway.Alerts;
using Gateway.Alerts.Config;
using Gateway.Alerts.Delivery;
using Gateway.Alerts.State;
using Gateway.Keys;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Stores.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Alerts;

/// <summary>
/// Delivery against loopback Slack, Teams and webhook receivers that check each body's shape (and the webhook's HMAC):
/// they refuse the first two attempts, the retries come on the backoff schedule from the stored alert, and each alert
/// arrives exactly once per channel. Nothing logged carries a URL or the signing secret.
/// </summary>
public sealed class AlertDeliveryTests : IAsyncLifetime
{
    private AlertReceivers _receivers = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _receivers = await AlertReceivers.StartAsync();
        _dir = Path.Combine(Path.GetTempPath(), "gw-alert-delivery-" + Guid.NewGuid().ToString("N")[..8]);
    }

    public async Task DisposeAsync()
    {
        await _receivers.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private AlertingSettings AllChannels() => new()
    {
        Channels = [AlertChannels.Slack, AlertChannels.Teams, AlertChannels.Webhook],
        SlackUrls = [_receivers.Url("slack")],
        TeamsUrls = [_receivers.Url("teams")],
        WebhookUrls = [_receivers.Url("webhook")],
        SigningSecret = AlertReceivers.Secret,
    };

    [Fact]
    public async Task Refused_twice_each_channel_gets_the_alert_on_the_third_attempt_exactly_once()
    {
        _receivers.RefuseFirst = 2;
        var logs = new ListLogger();
        var clock = new ReplayClock();
        clock.SetUtcNow(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        _receivers.Now = clock.GetUtcNow;
        var store = new SqliteGovernanceStore(Path.Combine(_dir, "gateway.db"));
        var spend = new SqliteSpendStore(Path.Combine(_dir, "gateway.db"));
        using var http = new AlertHttp();
        var settings = AllChannels();
        var dispatcher = new AlertDispatcher(settings, store, http, clock, logs.For<AlertDispatcher>());
        var engine = new AlertEngine(store, store, spend, dispatcher, settings, null, clock, logs.For<AlertEngine>());

        var key = new KeyRecord { Hash = KeySecrets.Hash("sk-delivery"), Alias = "delivery", MaxBudget = 10, CreatedAt = clock.GetUtcNow().AddDays(-1) };
        Assert.True(await store.CreateKeyAsync(key));
        var spent = new SpendEvent
        {
            Id = "req-delivery-1", CallType = "chat_completion", StartTime = clock.GetUtcNow().AddMinutes(-1), EndTime = clock.GetUtcNow(),
            Model = "gpt", KeyHash = key.Hash, KeyAlias = "delivery", Spend = 10.5m, Status = SpendStatus.Success, HttpStatus = 200,
        };
        await new SpendIngest(spend, NullLogger<SpendIngest>.Instance).IngestAsync([spent]);

        var alert = Assert.Single((await engine.OnSpendAsync([spent], CancellationToken.None)).Fired);
        Assert.Equal("budget_crossed", alert.Event);
        AssertAttempts(alert.Id, 1);

        // Before the first backoff (30 s) nothing is tried again; after it, the second attempt; after 60 s more, the third.
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, (await engine.SweepAsync(CancellationToken.None)).Retried);
        AssertAttempts(alert.Id, 1);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await engine.SweepAsync(CancellationToken.None)).Retried);
        AssertAttempts(alert.Id, 2);
        clock.Advance(AlertDispatcher.Backoff(2));
        Assert.Equal(1, (await engine.SweepAsync(CancellationToken.None)).Retried);
        AssertAttempts(alert.Id, 3);

        foreach (var channel in (string[])["slack", "teams", "webhook"]) Assert.Equal(1, _receivers.Accepted(channel, alert.Id));
        Assert.Empty(_receivers.Problems);

        // Delivered: later sweeps and the same spend again send nothing more.
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, (await engine.SweepAsync(CancellationToken.None)).Retried);
        Assert.Empty((await engine.OnSpendAsync([spent], CancellationToken.None)).Fired);
        AssertAttempts(alert.Id, 3);

        var stored = Assert.Single(await store.ListAlertsAsync(DateTimeOffset.MinValue, 10, CancellationToken.None));
        Assert.Equal(DeliveryState.Delivered, stored.Status);
        Assert.All(stored.Deliveries, d =>
        {
            Assert.Equal(3, d.Attempts);
            Assert.Equal(200, d.LastStatus);
        });
        Assert.Equal(["slack#0", "teams#0", "webhook#0"], stored.Deliveries.Select(d => d.Name).Order());

        // What was logged names targets by channel and position, never a URL or the secret.
        Assert.Contains(logs.Lines, l => l.Contains("not delivered to webhook#0 (attempt 1): answered 503", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("127.0.0.1", StringComparison.Ordinal) || l.Contains("/services/", StringComparison.Ordinal)
            || l.Contains("/hooks/", StringComparison.Ordinal) || l.Contains(AlertReceivers.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_target_that_never_accepts_is_given_up_after_the_last_attempt_and_history_says_so()
    {
        _receivers.RefuseFirst = int.MaxValue;
        var clock = new ReplayClock();
        var store = new SqliteGovernanceStore(Path.Combine(_dir, "gateway.db"));
        using var http = new AlertHttp();
        var settings = AllChannels() with { Channels = [AlertChannels.Webhook] };
        var dispatcher = new AlertDispatcher(settings, store, http, clock, NullLogger<AlertDispatcher>.Instance);
        var alert = new AlertRecord
        {
            Id = "budget|key|h|0|10|100%", AlertType = AlertTypes.Budget, Event = "budget_crossed", EventGroup = "key", Subject = "h",
            Message = "m", FiredAt = clock.GetUtcNow(), Deliveries = dispatcher.TargetsFor(AlertTypes.Budget, clock.GetUtcNow()),
        };
        Assert.True(await store.TryAddAlertAsync(alert, CancellationToken.None));
        Assert.False(await store.TryAddAlertAsync(alert, CancellationToken.None)); // the dedup: the same id is refused
        await dispatcher.DeliverAsync(alert, CancellationToken.None);
        for (var attempt = 1; attempt < AlertDispatcher.MaxAttempts; attempt++)
        {
            clock.Advance(AlertDispatcher.Backoff(attempt));
            Assert.Equal(1, await dispatcher.RetryDueAsync(CancellationToken.None));
        }
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await dispatcher.RetryDueAsync(CancellationToken.None));
        Assert.Equal(AlertDispatcher.MaxAttempts, _receivers.Attempts("webhook", alert.Id));
        var stored = Assert.Single(await store.ListAlertsAsync(DateTimeOffset.MinValue, 10, CancellationToken.None));
        Assert.Equal(DeliveryState.Failed, stored.Status);
        Assert.Equal("answered 503", stored.Deliveries.Single().LastError);
        Assert.Equal(TimeSpan.FromHours(1), AlertDispatcher.Backoff(AlertDispatcher.MaxAttempts + 10));
    }

    private void AssertAttempts(string alertId, int n)
    {
        foreach (var channel in (string[])["slack", "teams", "webhook"]) Assert.Equal(n, _receivers.Attempts(channel, alertId));
    }

    /// <summary>Collects every formatted log line, with its exception, to check what reaches the log.</summary>
    private sealed class ListLogger
    {
        private readonly ConcurrentQueue<string> _lines = new();
        public IReadOnlyList<string> Lines => [.. _lines];
        public ILogger<T> For<T>() => new Logger<T>(this);

        private sealed class Logger<T>(ListLogger sink) : ILogger<T>
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink._lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}
