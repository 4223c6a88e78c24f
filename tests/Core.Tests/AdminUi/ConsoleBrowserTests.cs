using System.Text.Json;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Stores.Sqlite;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;
using Xunit.Abstractions;
using static System.FormattableString;

namespace Gateway.Tests.AdminUi;

/// <summary>
/// The console in a real browser: Debian's chromium driven by playwright-core (console-browser.cjs) against a running
/// gateway with the priced mock model. Screenshots of every page go to .test-results/console/. A missing browser or
/// package fails the test, never skips it (test.sh installs both). The browser runs with no other test beside it, so
/// the render times it measures are the console's, not the rest of the suite's CPU.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleBrowserTests(ITestOutputHelper output)
{
    private const string Script = "tests/Core.Tests/AdminUi/console-browser.cjs";

    [Fact]
    public async Task Must_show_sign_in_team_key_calls_overview_logs_virtual_key_and_block()
    {
        await using var gw = await KeyGateway.StartAsync(KeyGateway.NewStorePath());
        var r = await RunAsync(gw, "flow", "console");

        Assert.Empty(r.GetProperty("errors").EnumerateArray());
        Assert.True(r.GetProperty("secretShown").GetBoolean());
        // What the console showed equals what the spend log holds: the key's 3 calls, and 2 of the master key.
        var logged = (await gw.GetJsonAsync("/spend/logs?limit=100")).GetProperty("data").EnumerateArray()
            .Where(e => e.GetProperty("model").GetString() == "priced").ToList();
        var keyCalls = logged.Where(e => e.TryGetProperty("key_alias", out var a) && a.GetString() == "ui-key").ToList();
        Assert.Equal(3, keyCalls.Count);
        var keySpend = keyCalls.Sum(e => e.GetProperty("spend").GetDecimal());
        var firstFive = logged.OrderBy(e => e.GetProperty("start_time").GetDateTimeOffset()).Take(5).Sum(e => e.GetProperty("spend").GetDecimal());
        Assert.True(keySpend >= 0.01m, $"the key spent {keySpend}");
        var bar = Invariant($"${keySpend:0.00} of $1.00 ({keySpend * 100:0}%)");
        Assert.Equal(bar, r.GetProperty("overviewBudget").GetString());
        Assert.StartsWith("ui-key", r.GetProperty("overviewTopKey").GetString());
        Assert.Contains(Invariant($"${firstFive:0.00} in all"), r.GetProperty("chartLabel").GetString());
        Assert.Equal(bar, r.GetProperty("keyBudget").GetString());
        // Logs: all five calls, then the key's three only.
        Assert.Equal(5, r.GetProperty("logRowsAll").GetInt32());
        var keyRows = r.GetProperty("logRowsKey").EnumerateArray().Select(x => x.GetString()!).ToList();
        Assert.Equal(3, keyRows.Count);
        Assert.All(keyRows, row => Assert.Contains("ui-key", row));
        Assert.Contains("\"key_alias\": \"ui-key\"", r.GetProperty("drawer").GetString());
        // The virtual key: its own budget and calls, two pages in its menu, and no master-key pages.
        Assert.Equal(bar, r.GetProperty("meBudget").GetString());
        Assert.Equal(["My usage", "My calls"], r.GetProperty("meNav").EnumerateArray().Select(x => x.GetString()));
        var ownRows = r.GetProperty("meLogRows").EnumerateArray().Select(x => x.GetString()!).ToList();
        Assert.Equal(3, ownRows.Count);
        Assert.All(ownRows, row => Assert.Contains("ui-key", row));
        // Its pages read only its own key's routes (GET /global/spend is the sign-in's probe, which answers it 403).
        Assert.Equal(["GET /global/spend", "GET /key/info", "GET /spend/logs"], r.GetProperty("me").GetProperty("calls").EnumerateArray().Select(c => c.GetString()).Order());
        // The key lives in sessionStorage only, never in a URL.
        var storage = r.GetProperty("keyStorage");
        Assert.Equal(["gateway.console.key", "gateway.console.role"], storage.GetProperty("session").EnumerateArray().Select(x => x.GetString()).Order());
        Assert.Equal(0, storage.GetProperty("local").GetInt32());
        Assert.Equal("", storage.GetProperty("cookie").GetString());
        Assert.Equal(0, r.GetProperty("keyInUrls").GetInt32());
        Assert.Equal(0, r.GetProperty("masterInUrls").GetInt32());
        Assert.Equal(0, r.GetProperty("secretInUrls").GetInt32());
        // Blocked from the console: the next call is refused.
        Assert.Equal(401, r.GetProperty("blockedCall").GetProperty("status").GetInt32());
        Assert.Equal(Invariant($"${keySpend:0.00} of $2.00 ({keySpend * 50:0}%)"), r.GetProperty("editedBudget").GetString());
        Assert.Equal("Keys (0)", r.GetProperty("keysAfterDelete").GetString());
        Assert.StartsWith("OK in", r.GetProperty("modelTest").GetString());
        // GET /alerts is served now (issue 16): the page shows the alert history, empty in this run.
        Assert.Contains("Recent alerts", r.GetProperty("alertsText").GetString());
        Assert.DoesNotContain("not available", r.GetProperty("alertsText").GetString());
        foreach (var page in new[] { "overview", "keys", "teams", "logsAll", "keyDetail", "users", "customers", "models", "alerts", "me", "meLogs" })
        {
            AssertAtMostFiveCalls(r.GetProperty(page));
            Assert.True(r.GetProperty(page).GetProperty("overflow").GetInt32() <= 0, $"{page} scrolls sideways at 1280 px");
        }
        // Keyboard: the key field is the first stop, a dialog takes focus (its first field) and Escape closes it.
        Assert.Equal("key", r.GetProperty("firstFocus").GetString());
        Assert.Equal("f-key_alias", r.GetProperty("dialogFocus").GetString());
        Assert.Equal(0, r.GetProperty("dialogOpenAfterEscape").GetInt32());
    }

    [Fact]
    public async Task Overview_and_logs_render_in_under_a_second_over_100000_spend_events()
    {
        var path = KeyGateway.NewStorePath();
        var seeded = await SeedAsync(path, 100_000);
        output.WriteLine($"seeded 100,000 spend events in {seeded.TotalMilliseconds:0} ms");
        await using var gw = await KeyGateway.StartAsync(path);
        var r = await RunAsync(gw, "large", "console");
        Assert.Equal(12, r.GetProperty("pages").GetArrayLength());

        foreach (var page in r.GetProperty("pages").EnumerateArray())
        {
            var name = page.GetProperty("page").GetString()!;
            var ms = page.GetProperty("ms").GetInt32();
            output.WriteLine($"{name}: {ms} ms, {page.GetProperty("calls").GetArrayLength()} API calls: {string.Join(", ", page.GetProperty("calls").EnumerateArray())} "
                + $"taking {string.Join(", ", page.GetProperty("apiMs").EnumerateArray())} ms");
            AssertAtMostFiveCalls(page);
            if (name is "large-overview" or "large-overview-reload" or "large-logs" or "large-logs-reload")
                Assert.True(ms < 1000, $"{name} took {ms} ms to render");
        }
    }

    private static void AssertAtMostFiveCalls(JsonElement page)
    {
        var calls = page.GetProperty("calls").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.True(calls.Count is > 0 and <= 5, $"{page.GetProperty("page")}: {calls.Count} API calls ({string.Join(", ", calls)})");
    }

    /// <summary>100,000 events over the last 30 days, 8 models, 200 keys, 10 teams, through the store's own ingest.</summary>
    private static async Task<TimeSpan> SeedAsync(string path, int count)
    {
        var started = DateTime.UtcNow;
        var store = new SqliteSpendStore(path);
        await store.InitializeAsync();
        var random = new Random(19);
        var now = DateTimeOffset.UtcNow;
        var batch = new List<SpendEvent>(5000);
        for (var i = 0; i < count; i++)
        {
            var at = now.AddSeconds(-(long)(30.0 * 86400 * i / count)).AddMilliseconds(-random.Next(1000));
            var model = "model-" + random.Next(8);
            batch.Add(new SpendEvent
            {
                Id = $"seed_{at.ToUnixTimeMilliseconds():D14}_{i:D6}",
                CallType = "chat_completion",
                StartTime = at,
                EndTime = at.AddMilliseconds(200),
                Model = model,
                ModelGroup = model,
                KeyHash = "seed-key-" + random.Next(200),
                TeamId = "seed-team-" + random.Next(10),
                PromptTokens = 100,
                CompletionTokens = 20,
                TotalTokens = 120,
                Spend = 0.0001m * random.Next(1, 50),
                Status = random.Next(50) == 0 ? SpendStatus.Failure : SpendStatus.Success,
                HttpStatus = 200,
            });
            if (batch.Count == batch.Capacity)
            {
                await store.IngestAsync(batch);
                batch.Clear();
            }
        }
        if (batch.Count > 0) await store.IngestAsync(batch);
        return DateTime.UtcNow - started;
    }

    private async Task<JsonElement> RunAsync(TestGateway gw, string mode, string artifacts)
    {
        var chromium = Environment.GetEnvironmentVariable("GATEWAY_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
        if (!File.Exists(chromium)) Assert.Fail($"chromium is not installed at {chromium}: run ./test.sh (it runs `apt-get install -y chromium`).");
        var started = DateTime.UtcNow;
        var result = await NodeTools.RunAsync(Script, new Dictionary<string, string>
        {
            ["CONSOLE_MODE"] = mode,
            ["GATEWAY_URL"] = gw.BaseAddress.ToString().TrimEnd('/'),
            ["GATEWAY_MASTER_KEY"] = gw.MasterKey!,
            ["CHROMIUM"] = chromium,
            ["PLAYWRIGHT_CORE"] = NodeTools.Package("playwright-core"),
            ["OPENAI_SDK"] = NodeTools.Package("openai"),
            ["SCREENSHOTS"] = Path.Combine(RepoPaths.Root(), ".test-results", artifacts),
        });
        output.WriteLine($"{mode}: browser run took {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        output.WriteLine(result.ToString());
        return result;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "browser";
}
