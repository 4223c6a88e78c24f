using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Spend.Spool;
using Gateway.Stores.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Spend;

/// <summary>
/// The journal is the crash copy; while the process lives, drains take the appended events from memory. Past the
/// in-memory bound, or after a failed drain, drains read the journal instead, and return to memory once caught up.
/// Whichever path a drain takes, every event reaches SQLite exactly once, with the JSON line the journal wrote as its row.
/// </summary>
public sealed class SpoolMemoryTests : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-spoolmem-" + Guid.NewGuid().ToString("N"));
    private readonly CountingStore _store;
    private readonly SpendSpool _spool;
    private readonly DateOnly _today = DateOnly.FromDateTime(DateTime.UtcNow);

    public SpoolMemoryTests()
    {
        _store = new CountingStore(new SqliteSpendStore(Path.Combine(_dir, "gateway.db")));
        _spool = new SpendSpool(Path.Combine(_dir, "spool"), _store, NullLogger<SpendSpool>.Instance, maxInMemory: 5);
    }

    // Sample spaces events 37 minutes apart: a batch started now can end tomorrow (UTC), so reads cover tomorrow too.
    private static IReadOnlyList<SpendEvent> Events(int n, string tag) => SpendStoreContract.Sample(n, tag, DateTimeOffset.UtcNow.AddMinutes(-5));

    private async Task<List<string>> StoredIdsAsync() =>
        [.. (await _store.QueryLogsAsync(new SpendLogQuery(_today.AddDays(-1), _today.AddDays(1)) { Limit = 1000 })).Items.Select(e => e.Id).Order()];

    [Fact]
    public async Task Within_the_bound_a_drain_takes_the_events_from_memory_with_their_journal_lines()
    {
        var appended = new List<SpendEvent>();
        for (var i = 0; i < 4; i++)
        {
            var e = Events(1, "mem" + i);
            await _spool.AppendAsync(e, default);
            appended.AddRange(e);
        }
        await _spool.DrainAsync();

        Assert.True(_spool.DrainsFromMemory);
        Assert.Equal(appended.Select(e => e.Id).Order(), await StoredIdsAsync());
        Assert.Equal(4, _store.SerializedEvents); // the journal's lines were handed over; nothing was serialized again
        Assert.Equal(0, _spool.PendingBytes);
        // The stored row is the event as written: it reads back equal.
        var stored = (await _store.QueryLogsAsync(new SpendLogQuery(_today.AddDays(-1), _today.AddDays(1)) { RequestId = appended[2].Id })).Items.Single();
        Assert.Equal(appended[2].Spend, stored.Spend);
        Assert.Equal(appended[2].Model, stored.Model);
    }

    [Fact]
    public async Task Past_the_in_memory_bound_drains_read_the_journal_and_return_to_memory_once_caught_up()
    {
        var appended = new List<SpendEvent>();
        for (var i = 0; i < 8; i++) // more than the 5 kept in memory
        {
            var e = Events(1, "over" + i);
            await _spool.AppendAsync(e, default);
            appended.AddRange(e);
        }
        Assert.False(_spool.DrainsFromMemory);

        await _spool.DrainAsync();
        Assert.Equal(appended.Select(e => e.Id).Order(), await StoredIdsAsync());
        Assert.True(_spool.DrainsFromMemory); // caught up: new events are kept in memory again

        var later = Events(2, "later");
        await _spool.AppendAsync(later, default);
        await _spool.DrainAsync();
        Assert.Equal(appended.Concat(later).Select(e => e.Id).Order(), await StoredIdsAsync());
        Assert.Equal(appended.Count + later.Count, _store.NewRows);
    }

    [Fact]
    public async Task A_failed_drain_loses_nothing_the_next_drain_reads_the_journal()
    {
        var first = Events(3, "before-failure");
        await _spool.AppendAsync(first, default);
        _store.Failing = true;
        await Assert.ThrowsAsync<IOException>(() => _spool.DrainAsync());
        Assert.False(_spool.DrainsFromMemory); // what memory held was handed to the failed ingest: the journal is the copy

        var second = Events(2, "during-outage");
        await _spool.AppendAsync(second, default);
        _store.Failing = false;
        await _spool.DrainAsync();

        Assert.Equal(first.Concat(second).Select(e => e.Id).Order(), await StoredIdsAsync());
        Assert.Equal(5, _store.NewRows); // each event counted once
        Assert.True(_spool.DrainsFromMemory);
    }

    public async ValueTask DisposeAsync()
    {
        await _spool.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>The real SQLite store, counting what reaches it, with a switch that makes ingest fail as a store that is down would.</summary>
    private sealed class CountingStore(SqliteSpendStore inner) : ISpendStore, ISerializedSpendIngest
    {
        public volatile bool Failing;
        public int SerializedEvents, NewRows;

        public Task<int> IngestAsync(IReadOnlyList<SpendEvent> events, CancellationToken ct = default) =>
            throw new InvalidOperationException("the spool hands over the journal's lines");

        public async Task<int> IngestSerializedAsync(IReadOnlyList<JournaledSpendEvent> events, CancellationToken ct = default)
        {
            if (Failing) throw new IOException("store unavailable");
            Interlocked.Add(ref SerializedEvents, events.Count);
            var added = await inner.IngestSerializedAsync(events, ct);
            Interlocked.Add(ref NewRows, added);
            return added;
        }

        public Task<SpendLogPage> QueryLogsAsync(SpendLogQuery query, CancellationToken ct = default) => inner.QueryLogsAsync(query, ct);
        public Task<IReadOnlyList<SpendRollup>> QueryRollupsAsync(RollupQuery query, CancellationToken ct = default) => inner.QueryRollupsAsync(query, ct);
    }
}
