using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Gateway.Http;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Stores.DynamoDb;
using Gateway.Tests.Stores;
using Xunit.Abstractions;

namespace Gateway.Tests.Spend;

/// <summary>
/// The spend contract on DynamoDB (dynalite), plus the halfway and concurrent cases its single-item protocol must get
/// right (claim, Pending-guarded rollup updates, Applied, Pending cleared by the last actor), and its request counts.
/// </summary>
public sealed class DynamoSpendStoreTests(ITestOutputHelper output) : SpendStoreContract
{
    private readonly string _table = Emulators.UniquePrefix() + "-spend";
    private DynamoSpendStore? _store;

    protected override ISpendStore Store => _store ??= NewStore();

    /// <summary>A store on the same table: another consumer process. <paramref name="requests"/> counts every HTTP request it sends.</summary>
    private DynamoSpendStore NewStore(RequestCount? requests = null) => new(Client(requests), _table);

    private static AmazonDynamoDBClient Client(RequestCount? requests = null)
    {
        var config = new AmazonDynamoDBConfig { ServiceURL = Emulators.DynaliteEndpoint(), AuthenticationRegion = "us-east-1" };
        if (requests is not null) config.HttpClientFactory = new CountingFactory(requests);
        return new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config);
    }

    private static readonly DateOnly From = new(2026, 8, 1);
    private static readonly DateOnly To = new(2026, 8, 10);

    private static List<SpendEvent> Events(int n, string prefix) => Sample(n, prefix, new DateTimeOffset(2026, 8, 2, 22, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("claimed")]
    [InlineData("days")]
    [InlineData("rollup:")]
    [InlineData("rollup:model|")]
    [InlineData("applied")]
    public async Task A_redelivered_batch_that_stopped_halfway_counts_each_event_once(string crashAfter)
    {
        var events = Events(40, "h");
        var crashing = NewStore();
        crashing.Parallelism = 1; // one step at a time, so the crash point is exact
        crashing.AfterStep = step => step.StartsWith(crashAfter, StringComparison.Ordinal) ? throw new IOException("consumer crashed") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => crashing.IngestAsync(events));

        Assert.Equal(0, await NewStore().IngestAsync(events));
        await SpendRollupChecks.AssertExactAsync(Store, events, From, To);
        Assert.Equal(0, await Store.IngestAsync(events));
        await SpendRollupChecks.AssertExactAsync(Store, events, From, To);
        var logs = await SpendRollupChecks.AllLogIdsAsync(Store, new SpendLogQuery(From, To));
        Assert.Equal(events.OrderByDescending(e => e.StartTime).Select(e => e.Id), logs);
    }

    [Fact]
    public async Task After_step_2_for_one_target_redelivery_skips_that_target_and_applies_the_rest()
    {
        var e = Events(1, "one")[0];
        var crashing = NewStore();
        crashing.Parallelism = 1;
        crashing.AfterStep = step => step.StartsWith("rollup:", StringComparison.Ordinal) ? throw new IOException("crashed") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => crashing.IngestAsync([e]));

        // Exactly one target holds the event (amounts and a pending id); the log item does not know yet.
        var rollups = new List<SpendRollup>();
        foreach (var dim in SpendDimensions.All) rollups.AddRange(await Store.QueryRollupsAsync(new RollupQuery(dim, From, To)));
        Assert.Equal(1, rollups.Sum(r => r.Requests));
        var log = await Item($"k|{e.KeyHash}|{SpendDimensions.DayText(e.Day)}", LogSort(e));
        Assert.False(log.ContainsKey("Applied"));

        Assert.Equal(0, await Store.IngestAsync([e]));
        await SpendRollupChecks.AssertExactAsync(Store, [e], From, To);
        log = await Item($"k|{e.KeyHash}|{SpendDimensions.DayText(e.Day)}", LogSort(e));
        Assert.Equal(SpendDimensions.Of(e).Count(), log["Applied"].SS.Count);
        // The crashed call never left Actors, so the ids it made pending stay there (counts stay exact); nothing else is pending.
        Assert.Single(log["Actors"].SS);
    }

    [Fact]
    public async Task Pending_is_cleared_once_every_actor_has_left()
    {
        var events = Events(20, "clr");
        Assert.Equal(20, await Store.IngestAsync(events));
        foreach (var e in events)
            foreach (var (dim, value) in SpendDimensions.Of(e))
                Assert.False((await Item($"r|{dim}|{SpendDimensions.DayText(e.Day)}", "v|" + value)).ContainsKey("Pending"), $"{dim} {value} still has Pending");
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
    public async Task A_cursor_that_is_not_ours_is_a_400()
    {
        var q = new SpendLogQuery(From, To);
        foreach (var bad in new[] { "nope", "dDEKMDAwMDAwMDAwMDAw", Convert.ToBase64String("d1\nx\n2026-08-03\n"u8.ToArray()) })
        {
            // The store says what is wrong in its own terms; the spend API answers it with a 400 naming cursor.
            await Assert.ThrowsAsync<Gateway.Spend.Ingest.InvalidCursorException>(() => Store.QueryLogsAsync(q with { Cursor = bad }));
        }
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
        output.WriteLine($"DynamoDB requests: 1 event {perEvent}; batch of 100 {perBatch}; the batch redelivered {redelivered}");
        var targets = SpendDimensions.Of(one[0]).Count();
        // Read, claim, per-day put, a rollup update per target, Applied, Pending cleared per target.
        Assert.True(perEvent <= 4 + 2 * targets, $"{perEvent} requests for one event");
        Assert.True(perBatch <= 320, $"{perBatch} requests for 100 events");
        Assert.True(redelivered <= 2, $"{redelivered} requests for a redelivered batch");
    }

    private static string LogSort(SpendEvent e) => $"{long.MaxValue - e.StartTime.UtcTicks:D19}|{e.Id}";

    private async Task<Dictionary<string, AttributeValue>> Item(string pk, string sk)
    {
        using var client = Client();
        var r = await client.GetItemAsync(new GetItemRequest
        {
            TableName = _table, ConsistentRead = true,
            Key = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = pk }, ["sk"] = new() { S = sk } },
        });
        return r.Item ?? [];
    }

    private sealed class CountingFactory(RequestCount count) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new CountingHandler(count) { InnerHandler = new HttpClientHandler() });
    }

    private sealed class CountingHandler(RequestCount count) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            count.Add();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
