using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Spend.Ingest;
using Gateway.Spend.Retention;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gateway.Tests.Spend.Retention;

/// <summary>
/// The issue's must-show for the embedded store: with a one-day retention, under a fake clock moved a day at a time (no
/// sleeps), the gateway's own cleanup timer keeps the SQLite file from growing across simulated days of load, while
/// the spend report still covers every day.
/// </summary>
public sealed class SqliteRetentionGrowthTests(ITestOutputHelper output)
{
    private const int EventsPerDay = 3_000;
    private const int CallsPerDay = 3;
    private const int Days = 8;

    [Fact]
    public async Task With_a_one_day_retention_the_file_stops_growing_and_reports_still_cover_every_day()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 0, 5, 0, TimeSpan.Zero));
        var dir = Path.Combine(Path.GetTempPath(), "gw-growth-" + Guid.NewGuid().ToString("N"));
        var db = Path.Combine(dir, "gateway.db");
        await using var gw = await TestGateway.StartAsync(
            Yaml.Config(extraGeneral: "  maximum_spend_logs_retention_period: 1d\n  maximum_spend_logs_retention_interval: 1d"),
            new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = db }, TestClock.Use(clock));
        var cleanup = gw.Services.GetRequiredService<SpendLogCleanup>();
        var store = gw.Services.GetRequiredService<ISpendStore>();
        await cleanup.WhenRunsCompleted(1).WaitAsync(TimeSpan.FromSeconds(30)); // the run at start

        var first = clock.GetUtcNow();
        var sizes = new List<long>();
        var deleted = new List<long>();
        for (var day = 0; day < Days; day++)
        {
            // A day of load: bulk events as the journal's drain writes them, and a few real calls through the gateway.
            var events = RetentionLoad.Events(EventsPerDay, $"d{day}", clock.GetUtcNow(), TimeSpan.FromHours(23));
            foreach (var batch in events.Chunk(500)) await store.IngestAsync(batch);
            for (var i = 0; i < CallsPerDay; i++)
            {
                using var r = await gw.Http.PostAsJsonAsync("/v1/chat/completions", new { model = "mock", messages = new[] { new { role = "user", content = "hi" } } });
                r.EnsureSuccessStatusCode();
            }
            await store.QueryRollupsAsync(new RollupQuery("model", first.Day(), first.Day())); // moves the journal in

            clock.Advance(TimeSpan.FromDays(1));
            var result = await cleanup.WhenRunsCompleted(day + 2).WaitAsync(TimeSpan.FromSeconds(60));
            deleted.Add(result.Deleted);
            sizes.Add(Bytes(db) + Bytes(db + "-wal"));
            output.WriteLine($"day {day}: cleanup deleted {result.Deleted} rows, file {sizes[^1] / 1024} KB {result.Note}");
        }

        // Each cleanup from the second on deletes exactly the day before yesterday's rows: one day is kept.
        Assert.Equal(0, deleted[0]);
        Assert.All(deleted.Skip(1), d => Assert.Equal(EventsPerDay + CallsPerDay, d));
        // The file reaches its size with two days of rows and then stays there (a day's rows are about a third of it).
        var plateau = sizes[1];
        Assert.All(sizes.Skip(2), s => Assert.True(s <= plateau * 1.1, $"the file grew past its plateau: {string.Join(", ", sizes)}"));
        Assert.True(sizes[^1] * 3 < (long)EventsPerDay * Days * 1300, "the file holds far less than everything ever logged");

        // The report still covers every day, and the logs hold only the last day.
        var start = first.Day();
        var end = clock.GetUtcNow().Day();
        using var report = JsonDocument.Parse(await gw.Http.GetStringAsync($"/global/spend/report?start_date={start:yyyy-MM-dd}&end_date={end:yyyy-MM-dd}&group_by=model"));
        var days = report.RootElement.EnumerateArray().ToList();
        Assert.Equal(Days, days.Count);
        var requests = days.Sum(d => d.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("requests").GetInt64()));
        Assert.Equal((long)Days * (EventsPerDay + CallsPerDay), requests);
        var gpt = days.Sum(d => d.GetProperty("groups").EnumerateArray().Where(g => g.GetProperty("name").GetString() == "gpt").Sum(g => g.GetProperty("total_spend").GetDecimal()));
        Assert.Equal(Days * EventsPerDay * 0.0001m, gpt);
        Assert.Equal(EventsPerDay + CallsPerDay, await CountLogsAsync(gw, start, end));
        Directory.Delete(dir, recursive: true);
    }

    private static long Bytes(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static async Task<int> CountLogsAsync(TestGateway gw, DateOnly start, DateOnly end)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            var url = $"/spend/logs?start_date={start:yyyy-MM-dd}&end_date={end:yyyy-MM-dd}&limit=1000" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var page = JsonDocument.Parse(await gw.Http.GetStringAsync(url));
            count += page.RootElement.GetProperty("data").GetArrayLength();
            cursor = page.RootElement.TryGetProperty("next_cursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        } while (cursor is not null);
        return count;
    }
}
