using Gateway.Alerts.Config;
using Gateway.Alerts.Delivery;
using Gateway.Alerts.Rules;
using Gateway.Alerts.State;
using Gateway.Keys;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Microsoft.Extensions.Logging;

namespace Gateway.Alerts;

/// <summary>
/// Runs the alert rules and hands what fires to delivery. <see cref="OnSpendAsync"/> runs after each ingested batch (the
/// Event Hubs trigger, the DynamoDB stream through <c>/events</c>) for the keys, teams, users and models it touched;
/// <see cref="SweepAsync"/> (the alerts timer, the EventBridge schedule, the local loop) for every subject with a budget
/// and everything that spent today. Every alert is added to the store under its dedup id first, and only an add that
/// succeeds is delivered: a replayed batch, a second instance, or the next sweep find the id and stay quiet.
/// </summary>
public sealed partial class AlertEngine(IGovernanceStore governance, IAlertStore alerts, ISpendStore spend, AlertDispatcher dispatcher,
    AlertingSettings settings, Keys.SubjectLimits? proxyBudget, TimeProvider time, ILogger<AlertEngine> log)
{
    private readonly BudgetRules _budget = new(settings.Args);
    private readonly AnomalyRule _anomaly = new(settings.Args);
    private readonly SlowCallRule _slow = new(settings.SlowThreshold);

    public BudgetRules Budget => _budget;

    public async Task<AlertRun> OnSpendAsync(IReadOnlyList<SpendEvent> batch, CancellationToken ct)
    {
        // A stream batch can hold an event twice (its log item and its per-day copy).
        var events = batch.DistinctBy(e => e.Id, StringComparer.Ordinal).ToList();
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        // A batch delivered just after midnight still judges yesterday's anomalies; older days are history.
        var days = events.Select(e => e.Day).Where(d => d <= today && d >= today.AddDays(-1)).Distinct().ToList();
        var keys = Distinct(events.Select(e => e.KeyHash));
        var teams = Distinct(events.Select(e => e.TeamId));
        var users = Distinct(events.Select(e => e.UserId));
        var models = Distinct(events.Select(e => e.ModelGroup ?? e.Model));

        var dimensions = new List<string> { SpendDimensions.Key, SpendDimensions.Model };
        if (teams.Count > 0) dimensions.Add(SpendDimensions.Team);
        if (users.Count > 0) dimensions.Add(SpendDimensions.User);
        var history = await SpendHistory.LoadAsync(spend, dimensions, today, ct);

        var found = new List<AlertRecord>();
        foreach (var hash in keys)
            if (await governance.GetKeyAsync(hash, ct) is { } key)
            {
                found.AddRange(await BudgetAlertsAsync(BudgetSubject.Of(key), history, now, ct));
                found.AddRange(days.Select(d => _anomaly.Evaluate(SpendDimensions.Key, hash, d, history, now, key.Alias)).OfType<AlertRecord>());
            }
        foreach (var id in teams)
        {
            if (await governance.GetTeamAsync(id, ct) is { } team) found.AddRange(await BudgetAlertsAsync(BudgetSubject.Of(team), history, now, ct));
            found.AddRange(days.Select(d => _anomaly.Evaluate(SpendDimensions.Team, id, d, history, now)).OfType<AlertRecord>());
        }
        foreach (var id in users)
            if (await governance.GetUserAsync(id, ct) is { } user) found.AddRange(await BudgetAlertsAsync(BudgetSubject.Of(user), history, now, ct));
        foreach (var model in models)
            found.AddRange(days.Select(d => _anomaly.Evaluate(SpendDimensions.Model, model, d, history, now)).OfType<AlertRecord>());
        if (proxyBudget is { } proxy) found.AddRange(await BudgetAlertsAsync(BudgetSubject.Proxy(proxy), history, now, ct));
        found.AddRange(_slow.Evaluate(events, now));
        return await FireAsync(found, now, ct);
    }

    public async Task<AlertRun> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var history = await SpendHistory.LoadAsync(spend, [SpendDimensions.Key, SpendDimensions.Team, SpendDimensions.User, SpendDimensions.Model], today, ct);
        var found = new List<AlertRecord>();
        var aliases = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var list = await governance.ListKeysAsync(page, 100, null, null, ct);
            foreach (var key in list.Keys)
            {
                aliases[key.Hash] = key.Alias;
                found.AddRange(await BudgetAlertsAsync(BudgetSubject.Of(key), history, now, ct));
            }
            if (list.Keys.Count < 100) break;
        }
        foreach (var team in await governance.ListTeamsAsync(ct)) found.AddRange(await BudgetAlertsAsync(BudgetSubject.Of(team), history, now, ct));
        foreach (var user in await governance.ListUsersAsync(ct)) found.AddRange(await BudgetAlertsAsync(BudgetSubject.Of(user), history, now, ct));
        if (proxyBudget is { } proxy) found.AddRange(await BudgetAlertsAsync(BudgetSubject.Proxy(proxy), history, now, ct));
        foreach (var dimension in (string[])[SpendDimensions.Key, SpendDimensions.Team, SpendDimensions.Model])
            foreach (var value in history.ValuesOn(dimension, today).Where(v => v != SpendDimensions.NoKey).ToList())
                if (_anomaly.Evaluate(dimension, value, today, history, now, aliases.GetValueOrDefault(value)) is { } anomaly) found.Add(anomaly);
        return await FireAsync(found, now, ct);
    }

    /// <summary>The subject's window, spend and forecast, as <c>GET /spend/forecast</c> answers them.</summary>
    public async Task<(BudgetWindowSpend Window, ForecastResult? Forecast, DateTimeOffset PeriodEnd)> ForecastAsync(BudgetSubject subject, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var history = await SpendHistory.LoadAsync(spend, [subject.Dimension], DateOnly.FromDateTime(now.UtcDateTime), ct);
        var window = await WindowAsync(subject, history, now, ct);
        return (window, _budget.Forecast(subject, window, history, now), window.PeriodEnd(now, settings.Args));
    }

    private async Task<BudgetWindowSpend> WindowAsync(BudgetSubject s, SpendHistory history, DateTimeOffset now, CancellationToken ct)
    {
        var counter = await governance.GetUsageAsync(s.CounterSubject, s.Limits, now, ct);
        return BudgetRules.WindowSpend(s, history, counter.Spend, now);
    }

    private async Task<IEnumerable<AlertRecord>> BudgetAlertsAsync(BudgetSubject s, SpendHistory history, DateTimeOffset now, CancellationToken ct) =>
        s.HasBudget ? _budget.Evaluate(s, await WindowAsync(s, history, now, ct), history, now).ToList() : [];

    private async Task<AlertRun> FireAsync(List<AlertRecord> found, DateTimeOffset now, CancellationToken ct)
    {
        var fired = new List<AlertRecord>();
        foreach (var alert in found.Where(a => settings.Runs(a.AlertType)).DistinctBy(a => a.Id))
        {
            alert.Deliveries = dispatcher.TargetsFor(alert.AlertType, now);
            if (!await alerts.TryAddAlertAsync(alert, ct)) continue;
            LogFired(log, alert.AlertType, alert.Event, alert.Id);
            await dispatcher.DeliverAsync(alert, ct);
            fired.Add(alert);
        }
        var retried = await dispatcher.RetryDueAsync(ct);
        return new AlertRun(fired, retried);
    }

    private static List<string> Distinct(IEnumerable<string?> values) =>
        [.. values.OfType<string>().Where(v => v.Length > 0).Distinct(StringComparer.Ordinal)];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertType} {Event}: {AlertId}")]
    private static partial void LogFired(ILogger log, string alertType, string @event, string alertId);
}

/// <summary>What one run of the rules did: the alerts that fired (new ids), and how many earlier alerts had a delivery retried.</summary>
public sealed record AlertRun(IReadOnlyList<AlertRecord> Fired, int Retried);
