using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Spend.Spool;
using Gateway.Stores.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Spend;

/// <summary>
/// The embedded journal's backlog is bounded: past the high-water mark, or when a drain fails, the store is counted and
/// warned about as falling behind (the warning rate-limited); at the bound an append waits for the drain instead of
/// dropping or failing, and every event still reaches SQLite.
/// </summary>
public sealed class SpoolBoundTests : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-spoolbound-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly WarningLog _log = new();
    private readonly GatedStore _store;
    private readonly SpendSpool _spool;
    private const long Bound = 8 * 1024;

    public SpoolBoundTests()
    {
        _store = new GatedStore(new SqliteSpendStore(Path.Combine(_dir, "gateway.db")));
        _spool = new SpendSpool(Path.Combine(_dir, "spool"), _store, _log, Bound, _time);
    }

    // Sample spaces events 37 minutes apart: a batch started now can end tomorrow (UTC), so reads cover tomorrow too.
    private static IReadOnlyList<SpendEvent> Events(int n, string tag) => SpendStoreContract.Sample(n, tag, DateTimeOffset.UtcNow.AddMinutes(-5));

    [Fact]
    public async Task Over_the_high_water_mark_is_counted_and_warned_once_per_window()
    {
        while (_spool.PendingBytes <= _spool.HighWaterBytes) await _spool.AppendAsync(Events(1, "hw" + _spool.PendingBytes), default);
        Assert.Equal(1, _spool.BehindCount);
        Assert.Single(_log.Warnings);

        await _spool.AppendAsync(Events(1, "more"), default); // still behind: counted, but no second warning yet
        Assert.Equal(2, _spool.BehindCount);
        Assert.Single(_log.Warnings);

        _time.Advance(TimeSpan.FromSeconds(30));
        _spool.NoteDrainFailed();
        Assert.Equal(3, _spool.BehindCount);
        Assert.Equal(2, _log.Warnings.Count);
        Assert.Contains("GATEWAY_SPEND_JOURNAL_MAX_MB", _log.Warnings[0]);
    }

    [Fact]
    public async Task At_the_bound_an_append_waits_for_the_drain_and_no_event_is_lost()
    {
        var appended = new List<SpendEvent>();
        while (_spool.PendingBytes + 2048 <= Bound)
        {
            var e = Events(1, "fill" + appended.Count);
            await _spool.AppendAsync(e, default);
            appended.AddRange(e);
        }
        // Far more than the room left (under 2 KiB), whatever the exact size of each event line.
        var last = Events(20, "waiting");
        var waiting = _spool.AppendAsync(last, default);
        Assert.False(waiting.IsCompleted); // backpressure: the hand-off has not completed, so neither has the response

        // The store is down: a drain fails, the append keeps waiting, the journal keeps every line.
        _store.Failing = true;
        await Assert.ThrowsAsync<IOException>(() => _spool.DrainAsync());
        Assert.False(waiting.IsCompleted);

        _store.Failing = false;
        await _spool.DrainAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await _spool.DrainAsync();
        appended.AddRange(last);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var stored = await _store.QueryLogsAsync(new SpendLogQuery(today.AddDays(-1), today.AddDays(1)) { Limit = 1000 });
        Assert.Equal(appended.Select(e => e.Id).Order(), stored.Items.Select(e => e.Id).Order());
        Assert.True(_spool.BehindCount > 0);
    }

    [Fact]
    public void The_bound_is_read_from_the_environment_with_a_precise_error()
    {
        Assert.Equal(SpendSpool.DefaultMaxBytes, SpendSettings.From(_ => null).JournalMaxBytes);
        Assert.Equal(64L * 1024 * 1024, SpendSettings.From(n => n == "GATEWAY_SPEND_JOURNAL_MAX_MB" ? "64" : null).JournalMaxBytes);
        var e = Assert.Throws<Gateway.Config.ConfigException>(() => SpendSettings.From(n => n == "GATEWAY_SPEND_JOURNAL_MAX_MB" ? "0" : null));
        Assert.Contains("GATEWAY_SPEND_JOURNAL_MAX_MB: '0' must be a number of megabytes from 1 to 100000.", e.Message);
    }

    public async ValueTask DisposeAsync()
    {
        await _spool.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>The real SQLite spend store, with a switch that makes ingest fail as a store that is down would.</summary>
    private sealed class GatedStore(ISpendStore inner) : ISpendStore
    {
        public volatile bool Failing;

        public Task<int> IngestAsync(IReadOnlyList<SpendEvent> events, CancellationToken ct = default) =>
            Failing ? Task.FromException<int>(new IOException("store unavailable")) : inner.IngestAsync(events, ct);

        public Task<SpendLogPage> QueryLogsAsync(SpendLogQuery query, CancellationToken ct = default) => inner.QueryLogsAsync(query, ct);
        public Task<IReadOnlyList<SpendRollup>> QueryRollupsAsync(RollupQuery query, CancellationToken ct = default) => inner.QueryRollupsAsync(query, ct);
    }

    /// <summary>Keeps the warnings the spool logs.</summary>
    private sealed class WarningLog : ILogger<SpendSpool>
    {
        public List<string> Warnings { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel level) => true;

        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (level == LogLevel.Warning) lock (Warnings) Warnings.Add(formatter(state, exception));
        }
    }
}
