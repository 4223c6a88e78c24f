using System.Text;
using System.Text.Json;
using Gateway.Spend.Ingest;
using Gateway.Tests.Stores;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Spend.Retention;

/// <summary>
/// On the function hosts the platform timers run the cleanup: the Azure <c>sweeper</c> function and the AWS scheduled
/// sweep on <c>/events</c>. It runs at most once per interval, whichever of them calls, on the gateway's clock.
/// </summary>
public sealed class RetentionTriggerTests
{
    private const string Timer = """{"Data":{"timer":{"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"sweeper"}}}""";

    [Fact]
    public async Task The_sweeper_and_the_scheduled_sweep_delete_expired_logs_once_per_interval()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 9, 10, 12, 0, 0, TimeSpan.Zero));
        await using var gw = await TestGateway.StartAsync(
            Yaml.Config(extraGeneral: "  maximum_spend_logs_retention_period: 2d\n  maximum_spend_logs_retention_interval: 6h"),
            new Dictionary<string, string>
            {
                ["GATEWAY_STORE"] = "tables",
                ["GATEWAY_TABLES_CONNECTION_STRING"] = Emulators.AzuriteTablesConnectionString(),
                ["GATEWAY_TABLE_PREFIX"] = Emulators.UniquePrefix(),
            }, TestClock.Use(clock));
        var store = gw.Services.GetRequiredService<ISpendStore>();
        var old = RetentionLoad.Events(30, "old", new DateTimeOffset(2026, 9, 7, 1, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(20));
        var recent = RetentionLoad.Events(10, "new", new DateTimeOffset(2026, 9, 9, 1, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(20));
        await store.IngestAsync([.. old, .. recent]);

        var logs = await SweeperLogsAsync(gw);
        Assert.Contains("sweeper: spend-log retention deleted 30 log row(s)", logs);

        // Within the interval: more expired rows wait for the next due run.
        await store.IngestAsync(RetentionLoad.Events(5, "late", new DateTimeOffset(2026, 9, 6, 1, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1)));
        Assert.DoesNotContain(await SweeperLogsAsync(gw), l => l.Contains("retention", StringComparison.Ordinal));
        Assert.Equal(0, await ScheduledSweepAsync(gw));

        clock.Advance(TimeSpan.FromHours(6));
        Assert.Equal(5, await ScheduledSweepAsync(gw));
        var left = await store.QueryLogsAsync(new SpendLogQuery(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 12)) { Limit = 1000 });
        Assert.Equal(recent.Select(e => e.Id).Order(), left.Items.Select(e => e.Id).Order());
        var rollups = await store.QueryRollupsAsync(new RollupQuery("model", new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 12)));
        Assert.Equal(45, rollups.Sum(r => r.Requests));
    }

    private static async Task<List<string>> SweeperLogsAsync(TestGateway gw)
    {
        using var r = await gw.Http.PostAsync("/sweeper", new StringContent(Timer, Encoding.UTF8, "application/json"));
        r.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!)];
    }

    private static async Task<long> ScheduledSweepAsync(TestGateway gw)
    {
        using var r = await gw.Http.PostAsync("/events", new StringContent("""{"job":"reservation-sweep","tenant":"t"}""", Encoding.UTF8, "application/json"));
        r.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("spendLogsDeleted").GetInt64();
    }
}
