using Gateway.Spend;
using Gateway.Spend.Ingest;

namespace Gateway.Tests.Spend;

/// <summary>
/// What every spend store must do, run against SQLite, Azurite and dynalite: idempotent ingest (a replayed batch
/// changes nothing), rollups that equal the sum of the logs, newest-first paging without gaps or repeats, and the
/// query filters the spend API uses.
/// </summary>
public abstract class SpendStoreContract
{
    protected abstract ISpendStore Store { get; }

    private static readonly DateTimeOffset Day1 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Events over three days, two keys, two teams, three models and some tags, with ids that sort by time like real ones.</summary>
    public static List<SpendEvent> Sample(int n, string prefix = "", DateTimeOffset? start = null)
    {
        var list = new List<SpendEvent>();
        var t0 = start ?? Day1;
        for (var i = 0; i < n; i++)
        {
            var at = t0.AddMinutes(i * 37); // ~3 days for 120 events
            list.Add(new SpendEvent
            {
                Id = $"req_{at.ToUnixTimeMilliseconds():D14}{prefix}{i:D5}",
                CallType = "chat_completion",
                StartTime = at,
                EndTime = at.AddMilliseconds(250),
                Model = i % 3 == 0 ? "gpt" : i % 3 == 1 ? "claude" : "gemini",
                ModelGroup = i % 3 == 0 ? "gpt" : i % 3 == 1 ? "claude" : "gemini",
                KeyHash = i % 2 == 0 ? "hash-a" : "hash-b",
                KeyAlias = i % 2 == 0 ? "a" : "b",
                TeamId = i % 4 < 2 ? "team-x" : "team-y",
                UserId = i % 5 == 0 ? "user-1" : null,
                Tags = i % 2 == 0 ? ["prod", "chat"] : ["dev"],
                PromptTokens = 100 + i,
                CompletionTokens = 10 + i % 7,
                TotalTokens = 110 + i + i % 7,
                CacheReadTokens = i % 4 == 0 ? 50 : 0,
                Spend = 0.000123456m * (i + 1),
                CacheHit = i % 6 == 5,
                Saved = i % 6 == 5 ? 0.000654321m * i : 0m,
                Status = i % 10 == 9 ? SpendStatus.Failure : SpendStatus.Success,
                HttpStatus = i % 10 == 9 ? 502 : 200,
            });
        }
        return list;
    }

    private static (DateOnly, DateOnly) Range => (new DateOnly(2026, 11, 19), new DateOnly(2026, 11, 30));

    [Fact]
    public async Task Ingest_is_idempotent_and_rollups_match_the_logs()
    {
        var events = Sample(120);
        Assert.Equal(120, await Store.IngestAsync(events));
        var before = await AllRollupsAsync();
        Assert.Equal(0, await Store.IngestAsync(events)); // redelivered
        Assert.Equal(0, await Store.IngestAsync(events.Take(30).Reverse().ToList()));
        var after = await AllRollupsAsync();
        Assert.Equal(before, after);

        foreach (var dim in SpendDimensions.All)
        {
            var expected = events.SelectMany(e => SpendDimensions.Of(e).Where(x => x.Dimension == dim).Select(x => (x.Value, e)))
                .GroupBy(x => (x.Value, x.e.Day))
                .ToDictionary(g => g.Key, g => (Spend: g.Sum(x => SpendDimensions.Nanos(x.e)), Count: g.Count(), Failures: g.Count(x => x.e.Status != SpendStatus.Success),
                    Prompt: g.Sum(x => (long)x.e.PromptTokens), Cache: g.Sum(x => (long)x.e.CacheReadTokens),
                    Hits: g.Count(x => x.e.CacheHit), Saved: g.Sum(x => Money.ToNanos(x.e.Saved))));
            var rows = after.Where(r => r.Dimension == dim).ToList();
            Assert.Equal(expected.Count, rows.Count);
            foreach (var r in rows)
            {
                var e = expected[(r.Value, r.Day)];
                Assert.Equal(e.Spend, r.SpendNanos);
                Assert.Equal(e.Count, r.Requests);
                Assert.Equal(e.Failures, r.Failures);
                Assert.Equal(e.Prompt, r.PromptTokens);
                Assert.Equal(e.Cache, r.CacheReadTokens);
                Assert.Equal(e.Hits, r.CacheHits);
                Assert.Equal(e.Saved, r.SavedNanos);
            }
        }
    }

    [Fact]
    public async Task Overlapping_concurrent_batches_count_each_event_once()
    {
        var events = Sample(60, prefix: "c");
        var batches = Enumerable.Range(0, 6).Select(i => events.Skip(i * 7).Take(25).ToList()).ToList();
        var written = await Task.WhenAll(batches.Select(b => Task.Run(() => Store.IngestAsync(b))));
        Assert.Equal(events.Count, written.Sum()); // the batches cover every event, some several times
        var (start, end) = Range;
        var models = await Store.QueryRollupsAsync(new RollupQuery(SpendDimensions.Model, start, end));
        Assert.Equal(events.Count, models.Sum(r => r.Requests));
        Assert.Equal(events.Sum(SpendDimensions.Nanos), models.Sum(r => r.SpendNanos));
    }

    [Fact]
    public async Task Events_without_logs_count_once_in_rollups_and_leave_no_log()
    {
        // general_settings.disable_spend_logs: the store keeps each event's claim only, so a redelivery still counts once.
        var quiet = Sample(40, prefix: "n");
        foreach (var e in quiet) e.NoLog = true;
        var logged = Sample(10, prefix: "l", start: quiet[^1].StartTime.AddMinutes(1));
        Assert.Equal(50, await Store.IngestAsync([.. quiet, .. logged]));
        Assert.Equal(0, await Store.IngestAsync(quiet)); // redelivered
        var (start, end) = Range;
        var models = await Store.QueryRollupsAsync(new RollupQuery(SpendDimensions.Model, start, end));
        Assert.Equal(50, models.Sum(r => r.Requests));
        Assert.Equal(quiet.Concat(logged).Sum(SpendDimensions.Nanos), models.Sum(r => r.SpendNanos));

        var all = await Store.QueryLogsAsync(new SpendLogQuery(start, end) { Limit = 100 });
        Assert.Equal(logged.Select(e => e.Id).OrderBy(i => i), all.Items.Select(e => e.Id).OrderBy(i => i));
        var byKey = await Store.QueryLogsAsync(new SpendLogQuery(start, end) { KeyHash = "hash-a", Limit = 100 });
        Assert.Equal(logged.Where(e => e.KeyHash == "hash-a").Select(e => e.Id).OrderBy(i => i), byKey.Items.Select(e => e.Id).OrderBy(i => i));
        Assert.Empty((await Store.QueryLogsAsync(new SpendLogQuery(start, end) { RequestId = quiet[3].Id })).Items);
    }

    [Fact]
    public async Task Logs_page_newest_first_per_key_without_gaps_or_repeats()
    {
        var events = Sample(90, prefix: "p");
        await Store.IngestAsync(events);
        var (start, end) = Range;
        var seen = new List<SpendEvent>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Store.QueryLogsAsync(new SpendLogQuery(start, end) { KeyHash = "hash-a", Limit = 7, Cursor = cursor });
            Assert.True(page.Items.Count <= 7);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            Assert.True(++pages < 50, "paging did not end");
        } while (cursor is not null);
        var expected = events.Where(e => e.KeyHash == "hash-a").OrderByDescending(e => e.StartTime).Select(e => e.Id).ToList();
        Assert.Equal(expected, seen.Select(e => e.Id).ToList());
        Assert.Equal(events.First(e => e.KeyHash == "hash-a").Spend, seen.Single(e => e.Id == events[0].Id).Spend);
    }

    [Fact]
    public async Task Global_logs_filter_by_team_user_model_and_date()
    {
        var events = Sample(60, prefix: "g", start: new DateTimeOffset(2026, 10, 5, 1, 0, 0, TimeSpan.Zero));
        await Store.IngestAsync(events);
        var day2 = new DateOnly(2026, 10, 6);
        async Task<List<string>> All(SpendLogQuery q)
        {
            var ids = new List<string>();
            string? cursor = null;
            do
            {
                var page = await Store.QueryLogsAsync(q with { Cursor = cursor, Limit = 10 });
                ids.AddRange(page.Items.Select(e => e.Id));
                cursor = page.NextCursor;
            } while (cursor is not null);
            return ids;
        }
        var start = new DateOnly(2026, 10, 1);
        var end = new DateOnly(2026, 10, 31);
        Assert.Equal(events.Where(e => e.TeamId == "team-y").OrderByDescending(e => e.StartTime).Select(e => e.Id), await All(new SpendLogQuery(start, end) { TeamId = "team-y" }));
        Assert.Equal(events.Where(e => e.UserId == "user-1").OrderByDescending(e => e.StartTime).Select(e => e.Id), await All(new SpendLogQuery(start, end) { UserId = "user-1" }));
        Assert.Equal(events.Where(e => e.Model == "claude" && e.KeyHash == "hash-b").OrderByDescending(e => e.StartTime).Select(e => e.Id),
            await All(new SpendLogQuery(start, end) { Model = "claude", KeyHash = "hash-b" }));
        Assert.Equal(events.Where(e => e.Day == day2).OrderByDescending(e => e.StartTime).Select(e => e.Id), await All(new SpendLogQuery(day2, day2)));
        var one = events[17];
        var found = await Store.QueryLogsAsync(new SpendLogQuery(start, end) { RequestId = one.Id });
        Assert.Equal(one.Id, Assert.Single(found.Items).Id);
        Assert.Equal(one.Tags, found.Items[0].Tags);
        Assert.Empty((await Store.QueryLogsAsync(new SpendLogQuery(start, end) { RequestId = "req_nope" })).Items);
    }

    [Fact]
    public async Task Rollups_of_one_value_and_range()
    {
        var events = Sample(40, prefix: "r", start: new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero));
        await Store.IngestAsync(events);
        var d = new DateOnly(2026, 9, 1);
        var rows = await Store.QueryRollupsAsync(new RollupQuery(SpendDimensions.Team, d, d, "team-x"));
        var expected = events.Where(e => e.Day == d && e.TeamId == "team-x").ToList();
        var row = Assert.Single(rows);
        Assert.Equal("team-x", row.Value);
        Assert.Equal(expected.Count, row.Requests);
        Assert.Equal(expected.Sum(SpendDimensions.Nanos), row.SpendNanos);
        Assert.Empty(await Store.QueryRollupsAsync(new RollupQuery(SpendDimensions.Team, d.AddDays(-3), d.AddDays(-1))));
    }

    private async Task<List<SpendRollup>> AllRollupsAsync()
    {
        var (start, end) = Range;
        var all = new List<SpendRollup>();
        foreach (var dim in SpendDimensions.All) all.AddRange(await Store.QueryRollupsAsync(new RollupQuery(dim, start, end)));
        return all.OrderBy(r => r.Dimension).ThenBy(r => r.Day).ThenBy(r => r.Value, StringComparer.Ordinal).ToList();
    }
}
