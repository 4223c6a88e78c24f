using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Gateway.Http;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Stores.Tables;
using Gateway.Tests.Stores;
using Xunit.Abstractions;

namespace Gateway.Tests.Spend;

/// <summary>
/// The spend contract on Azure Table Storage (Azurite), plus what only a store without cross-partition transactions has
/// to prove: an ingest that stopped halfway and is redelivered counts each event once, two consumers ingesting the same
/// batches at once count each event once, and how many requests an ingest costs.
/// </summary>
public sealed class TablesSpendStoreTests(ITestOutputHelper output) : SpendStoreContract
{
    private readonly string _prefix = Emulators.UniquePrefix();
    private TableSpendStore? _store;

    protected override ISpendStore Store => _store ??= NewStore();

    /// <summary>A store on the same tables: another consumer process. <paramref name="requests"/> counts every HTTP request it sends.</summary>
    private TableSpendStore NewStore(RequestCount? requests = null)
    {
        var cs = Emulators.AzuriteTablesConnectionString();
        var options = new TableClientOptions();
        if (requests is not null) options.AddPolicy(new CountingPolicy(requests), HttpPipelinePosition.PerRetry);
        return new TableSpendStore(new TableServiceClient(cs, options), _prefix + "spendlogs", _prefix + "spendrollups", cs);
    }

    private static readonly DateOnly From = new(2026, 8, 1);
    private static readonly DateOnly To = new(2026, 8, 10);

    private static List<SpendEvent> Events(int n, string prefix) => Sample(n, prefix, new DateTimeOffset(2026, 8, 2, 22, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("claimed")]
    [InlineData("days")]
    [InlineData("rollup:")]
    [InlineData("rollup:model|")]
    public async Task A_redelivered_batch_that_stopped_halfway_counts_each_event_once(string crashAfter)
    {
        var events = Events(40, "h");
        var crashing = NewStore();
        crashing.Parallelism = 1; // one step at a time, so the crash point is exact
        crashing.AfterStep = step => step.StartsWith(crashAfter, StringComparison.Ordinal) ? throw new IOException("consumer crashed") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => crashing.IngestAsync(events));

        // Redelivered to another consumer: the claims were made, so nothing is new, and every rollup ends exact.
        Assert.Equal(0, await NewStore().IngestAsync(events));
        await SpendRollupChecks.AssertExactAsync(Store, events, From, To);
        Assert.Equal(0, await Store.IngestAsync(events));
        await SpendRollupChecks.AssertExactAsync(Store, events, From, To);
        var logs = await SpendRollupChecks.AllLogIdsAsync(Store, new SpendLogQuery(From, To));
        Assert.Equal(events.OrderByDescending(e => e.StartTime).Select(e => e.Id), logs);
    }

    [Fact]
    public async Task A_crash_after_one_rollup_row_then_half_the_batch_redelivered_with_new_events()
    {
        var events = Events(30, "m");
        var crashing = NewStore();
        crashing.Parallelism = 1;
        var rows = 0;
        crashing.AfterStep = step => step.StartsWith("rollup:", StringComparison.Ordinal) && ++rows == 3 ? throw new IOException("crashed") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => crashing.IngestAsync(events.Take(20).ToList()));
        Assert.Equal(10, await Store.IngestAsync(events.Skip(10).ToList()));
        Assert.Equal(0, await Store.IngestAsync(events.Take(20).ToList()));
        await SpendRollupChecks.AssertExactAsync(Store, events, From, To);
    }

    [Fact]
    public async Task Two_consumers_ingesting_the_same_overlapping_batches_at_once_count_each_event_once()
    {
        var events = Events(100, "two");
        var batches = Enumerable.Range(0, 6).Select(i => events.Skip(i * 17).Take(32).ToList()).ToList();
        var a = NewStore();
        var b = NewStore();
        var written = await Task.WhenAll(batches.SelectMany(batch => new[]
        {
            Task.Run(() => a.IngestAsync(batch)),
            Task.Run(() => b.IngestAsync(batch.AsEnumerable().Reverse().ToList())),
        }));
        Assert.Equal(events.Count, written.Sum());
        await SpendRollupChecks.AssertExactAsync(Store, events, From, To);
    }

    [Fact]
    public async Task A_crashed_batch_redelivered_to_two_consumers_at_once_counts_each_event_once()
    {
        var events = Events(60, "cc");
        var crashing = NewStore();
        crashing.AfterStep = step => step.StartsWith("rollup:", StringComparison.Ordinal) ? throw new IOException("crashed") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => crashing.IngestAsync(events));
        var written = await Task.WhenAll(Task.Run(() => NewStore().IngestAsync(events)), Task.Run(() => NewStore().IngestAsync(events)));
        Assert.Equal(0, written.Sum());
        await SpendRollupChecks.AssertExactAsync(Store, events, From, To);
    }

    [Fact]
    public async Task Long_event_json_is_split_over_properties_and_read_back_whole()
    {
        var e = Events(1, "big")[0] with { RequestBody = new string('x', 70_000) + "😀" + new string('y', 29_999), ResponseBody = "ok" };
        Assert.Equal(1, await Store.IngestAsync([e]));
        var page = await Store.QueryLogsAsync(new SpendLogQuery(From, To) { RequestId = e.Id });
        Assert.Equal(e.RequestBody, Assert.Single(page.Items).RequestBody);
        page = await Store.QueryLogsAsync(new SpendLogQuery(From, To) { KeyHash = e.KeyHash });
        Assert.Equal(e.RequestBody, Assert.Single(page.Items).RequestBody);
    }

    [Fact]
    public async Task Keys_and_values_with_characters_table_keys_forbid_work()
    {
        var e = Events(1, "esc")[0] with { KeyHash = "a/b\\c#d?e|f%g\u0001", TeamId = "t/1", Tags = ["x/y", "", "q?r"] };
        Assert.Equal(1, await Store.IngestAsync([e]));
        Assert.Equal(0, await Store.IngestAsync([e]));
        var page = await Store.QueryLogsAsync(new SpendLogQuery(From, To) { KeyHash = e.KeyHash });
        Assert.Equal(e.Id, Assert.Single(page.Items).Id);
        await SpendRollupChecks.AssertExactAsync(Store, [e], From, To);
        var tag = await Store.QueryRollupsAsync(new RollupQuery(SpendDimensions.Tag, From, To, "x/y"));
        Assert.Equal(1, Assert.Single(tag).Requests);
    }

    [Fact]
    public async Task A_cursor_that_is_not_ours_is_a_400()
    {
        var q = new SpendLogQuery(From, To);
        foreach (var bad in new[] { "nope", "dDEKMDAwMDAwMDAwMDAw", Convert.ToBase64String("t1\nx\n2026-08-03\nr\n"u8.ToArray()) })
        {
            // The store says what is wrong in its own terms; the spend API answers it with a 400 naming cursor.
            await Assert.ThrowsAsync<Gateway.Spend.Ingest.InvalidCursorException>(() => Store.QueryLogsAsync(q with { Cursor = bad }));
        }
        // A cursor from one query does not continue another.
        await Store.IngestAsync(Events(12, "cur"));
        var page = await Store.QueryLogsAsync(q with { Limit = 5 });
        Assert.NotNull(page.NextCursor);
        await Assert.ThrowsAsync<Gateway.Spend.Ingest.InvalidCursorException>(() => Store.QueryLogsAsync(q with { TeamId = "team-x", Cursor = page.NextCursor }));
    }

    [Fact]
    public async Task Requests_per_event_and_per_batch()
    {
        var requests = new RequestCount();
        var store = NewStore(requests);
        await store.InitializeAsync();
        var one = Events(1, "rt1");
        requests.Reset();
        await store.IngestAsync(one);
        var perEvent = requests.Value;
        var batch = Events(100, "rt100");
        requests.Reset();
        Assert.Equal(100, await store.IngestAsync(batch));
        var perBatch = requests.Value;
        requests.Reset();
        Assert.Equal(0, await store.IngestAsync(batch));
        var redelivered = requests.Value;
        output.WriteLine($"Tables requests: 1 event {perEvent}; batch of 100 {perBatch}; the batch redelivered {redelivered}");
        // Claim, per-day row, a read and a transaction per rollup row, Done.
        Assert.True(perEvent <= 3 + 2 * SpendDimensions.Of(one[0]).Count(), $"{perEvent} requests for one event");
        Assert.True(perBatch <= 120, $"{perBatch} requests for 100 events");
        // Per key and day partition: the failed claim transaction and one read of which rows exist (all Done).
        var partitions = batch.Select(e => (e.KeyHash, e.Day)).Distinct().Count();
        Assert.True(redelivered <= 2 * partitions, $"{redelivered} requests for a redelivered batch of {partitions} partitions");
    }

    private sealed class CountingPolicy(RequestCount count) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => count.Add();
    }
}

/// <summary>Counts requests a store sends (thread-safe).</summary>
public sealed class RequestCount
{
    private int _value;
    public int Value => Volatile.Read(ref _value);
    public void Add() => Interlocked.Increment(ref _value);
    public void Reset() => Interlocked.Exchange(ref _value, 0);
}

/// <summary>Rollups every store must end with: the sums of the events, per dimension, value and day.</summary>
public static class SpendRollupChecks
{
    public static async Task AssertExactAsync(ISpendStore store, IReadOnlyList<SpendEvent> events, DateOnly from, DateOnly to)
    {
        foreach (var dim in SpendDimensions.All)
        {
            var expected = events.SelectMany(e => SpendDimensions.Of(e).Where(x => x.Dimension == dim).Select(x => SpendRollup.Of(dim, x.Value, e)))
                .GroupBy(r => (r.Value, r.Day))
                .Select(g => g.Aggregate((a, b) => a.Plus(b)))
                .OrderBy(r => r.Day).ThenBy(r => r.Value, StringComparer.Ordinal).ToList();
            var actual = (await store.QueryRollupsAsync(new RollupQuery(dim, from, to)))
                .OrderBy(r => r.Day).ThenBy(r => r.Value, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, actual);
        }
    }

    public static async Task<List<string>> AllLogIdsAsync(ISpendStore store, SpendLogQuery q)
    {
        var ids = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await store.QueryLogsAsync(q with { Cursor = cursor });
            ids.AddRange(page.Items.Select(e => e.Id));
            cursor = page.NextCursor;
            Assert.True(++pages < 1000, "paging did not end");
        } while (cursor is not null);
        return ids;
    }
}
