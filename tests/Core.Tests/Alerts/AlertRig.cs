using Gateway.Alerts;
using Gateway.Alerts.Config;
using Gateway.Alerts.Delivery;
using Gateway.Alerts.State;
using Gateway.Keys;
using Gateway.Spend.Ingest;
using Gateway.Stores.DynamoDb;
using Gateway.Stores.Sqlite;
using Gateway.Stores.Tables;
using Gateway.Tests.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Alerts;

/// <summary>
/// The alert path as the triggers run it, on one real store: spend ingest, then the rules, dedup and delivery, on a
/// clock the test moves. Built from the store's real types; only the clock is the test's.
/// </summary>
public sealed class AlertRig : IAsyncDisposable
{
    private readonly string? _dir;
    private readonly AlertHttp _http = new();

    public IGovernanceStore Governance { get; }
    public IAlertStore Alerts => (IAlertStore)Governance;
    public ISpendStore Spend { get; }
    public SpendIngest Ingest { get; }
    public ReplayClock Clock { get; } = new();
    public AlertEngine Engine { get; }
    public AlertDispatcher Dispatcher { get; }

    private AlertRig(IGovernanceStore governance, ISpendStore spend, AlertingSettings settings, string? dir)
    {
        _dir = dir;
        Governance = governance;
        Spend = spend;
        Ingest = new SpendIngest(spend, NullLogger<SpendIngest>.Instance);
        Dispatcher = new AlertDispatcher(settings, Alerts, _http, Clock, NullLogger<AlertDispatcher>.Instance);
        Engine = new AlertEngine(governance, Alerts, spend, Dispatcher, settings, null, Clock, NullLogger<AlertEngine>.Instance);
    }

    public static AlertRig Create(string store, AlertingSettings settings)
    {
        switch (store)
        {
            case "sqlite":
                var dir = Path.Combine(Path.GetTempPath(), "gw-alerts-" + Guid.NewGuid().ToString("N")[..8]);
                var path = Path.Combine(dir, "gateway.db");
                return new AlertRig(new SqliteGovernanceStore(path), new SqliteSpendStore(path), settings, dir);
            case "tables":
                var t = new StoreSettings { Kind = "tables", TablesConnectionString = Emulators.AzuriteTablesConnectionString(), TablePrefix = Emulators.UniquePrefix() };
                return new AlertRig(TableGovernanceStore.Create(t), TableSpendStore.Create(t), settings, null);
            case "dynamodb":
                var d = new StoreSettings { Kind = "dynamodb", DynamoDbEndpoint = Emulators.DynaliteEndpoint(), AwsRegion = "us-east-1", TablePrefix = Emulators.UniquePrefix() };
                return new AlertRig(DynamoGovernanceStore.Create(d), DynamoSpendStore.Create(d), settings, null);
            default:
                throw new ArgumentOutOfRangeException(nameof(store));
        }
    }

    /// <summary>What a trigger does with a batch: ingest it, then run the rules on it.</summary>
    public async Task<AlertRun> DeliverBatchAsync(IReadOnlyList<Gateway.Spend.SpendEvent> batch)
    {
        await Ingest.IngestAsync(batch);
        return await Engine.OnSpendAsync(batch, CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_dir is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The rules' clock in a replay: set to each batch's time, and back again to redeliver a batch as it was first judged
/// (FakeTimeProvider only moves forward). The rules set no timers.
/// </summary>
public sealed class ReplayClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    public void SetUtcNow(DateTimeOffset now) => _now = now;
    public void Advance(TimeSpan by) => _now += by;
    public override DateTimeOffset GetUtcNow() => _now;
}
