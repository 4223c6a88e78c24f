using System.Diagnostics;
using Gateway.Alerts.Config;
using Gateway.Alerts.State;
using Xunit.Abstractions;

namespace Gateway.Tests.Alerts;

/// <summary>
/// Issue 16's must-show, on one store: 30 days of synthetic spend for 50 keys, delivered a day at a time through ingest
/// and the rules (as the triggers do), fires exactly the alerts the series calls for, each delivered once to a signed
/// webhook; nothing for steady, quiet or tiny keys; each ramping key's forecast fires before its 100% alert and its
/// projected exhaustion lies within 10% of the true one; and the same batches redelivered fire nothing.
/// </summary>
public abstract class AlertReplayContract(ITestOutputHelper output)
{
    protected abstract string StoreKind { get; }

    [Fact]
    public async Task Thirty_days_of_fifty_keys_fire_exactly_the_expected_alerts_once_and_a_replay_fires_none()
    {
        await using var receivers = await AlertReceivers.StartAsync();
        var settings = new AlertingSettings
        {
            Channels = [AlertChannels.Webhook],
            WebhookUrls = [receivers.Url("webhook")],
            SigningSecret = AlertReceivers.Secret,
        };
        await using var rig = AlertRig.Create(StoreKind, settings);
        receivers.Now = () => rig.Clock.GetUtcNow();
        var history = new SyntheticHistory();
        foreach (var k in history.Keys) Assert.True(await rig.Governance.CreateKeyAsync(k.Record));

        var watch = Stopwatch.StartNew();
        var fired = new List<AlertRecord>();
        for (var day = 0; day < SyntheticHistory.DayCount; day++)
        {
            rig.Clock.SetUtcNow(SyntheticHistory.DayEnd(day));
            fired.AddRange((await rig.DeliverBatchAsync(history.Day(day))).Fired);
        }
        output.WriteLine($"{StoreKind}: first pass {watch.Elapsed.TotalSeconds:0.0} s, {fired.Count} alerts");

        // Exactly the budget and anomaly alerts the series calls for, and no other kind of alert.
        var byHash = history.Keys.ToDictionary(k => k.Hash);
        var actual = fired.Where(a => a.Event != "projected_limit_exceeded")
            .Select(a => (a.Event, a.EventGroup, a.Subject, a.Event == "spend_anomaly" ? a.Details["day"] : a.Details.GetValueOrDefault("threshold") ?? ""))
            .ToList();
        Assert.Equal(actual.Count, actual.Distinct().Count());
        var expected = history.Expected(new AlertingArgs().BudgetThresholds);
        Assert.Equal(expected.OrderBy(e => e.ToString()), actual.OrderBy(e => e.ToString()));
        Assert.All(fired.Where(a => a.EventGroup == "key"), a => Assert.Contains(byHash[a.Subject].Kind, (string[])["ramping", "spiking"]));

        // One forecast per ramping key, before its 100% alert, its exhaustion time within 10% of the true one.
        var forecasts = fired.Where(a => a.Event == "projected_limit_exceeded").ToList();
        var ramping = history.Keys.Where(k => k.Kind == "ramping").ToList();
        Assert.Equal(ramping.Select(k => k.Hash).Order(), forecasts.Select(f => f.Subject).Order());
        foreach (var k in ramping)
        {
            var forecast = forecasts.Single(f => f.Subject == k.Hash);
            var crossed = fired.Single(a => a.Subject == k.Hash && a.Event == "budget_crossed");
            Assert.True(forecast.FiredAt < crossed.FiredAt, $"{k.Record.Alias}: forecast {forecast.FiredAt} is not before the 100% alert {crossed.FiredAt}");
            var truth = SyntheticHistory.TrueExhaustion(k);
            var error = Math.Abs((forecast.ProjectedExceededDate!.Value - truth).TotalHours);
            var lead = (truth - forecast.FiredAt).TotalHours;
            output.WriteLine($"{k.Record.Alias}: forecast at {forecast.FiredAt:MM-dd HH:mm} says {forecast.ProjectedExceededDate:MM-dd HH:mm}, true {truth:MM-dd HH:mm}: off {error:0.0} h of {lead:0.0} h ahead ({100 * error / lead:0.0}%)");
            Assert.True(error <= 0.1 * lead, $"{k.Record.Alias}: off by {error:0.0} h of {lead:0.0} h");
            Assert.NotNull(forecast.ProjectedSpend);
        }

        // Each alert reached the webhook once, signed; the store's history agrees.
        Assert.Empty(receivers.Problems);
        var accepted = receivers.AcceptedBy("webhook");
        Assert.Equal(fired.Select(a => a.Id).Order(), accepted.Keys.Order());
        Assert.All(accepted.Values, n => Assert.Equal(1, n));
        var stored = await rig.Alerts.ListAlertsAsync(SyntheticHistory.DayStart(0), 1000, CancellationToken.None);
        Assert.Equal(fired.Select(a => a.Id).Order(), stored.Select(a => a.Id).Order());
        Assert.All(stored, a => Assert.Equal(DeliveryState.Delivered, a.Status));

        // The same batches again, each at its own time (a redelivery): nothing fires, nothing is sent.
        watch.Restart();
        var requestsBefore = receivers.Requests("webhook").Count;
        for (var day = 0; day < SyntheticHistory.DayCount; day++)
        {
            rig.Clock.SetUtcNow(SyntheticHistory.DayEnd(day));
            Assert.Empty((await rig.DeliverBatchAsync(history.Day(day))).Fired);
        }
        output.WriteLine($"{StoreKind}: replay {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(requestsBefore, receivers.Requests("webhook").Count);
    }
}

public sealed class SqliteAlertReplayTests(ITestOutputHelper output) : AlertReplayContract(output)
{
    protected override string StoreKind => "sqlite";
}

public sealed class TablesAlertReplayTests(ITestOutputHelper output) : AlertReplayContract(output)
{
    protected override string StoreKind => "tables";
}

public sealed class DynamoDbAlertReplayTests(ITestOutputHelper output) : AlertReplayContract(output)
{
    protected override string StoreKind => "dynamodb";
}
