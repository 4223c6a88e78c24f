using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Spend;

/// <summary>
/// The embedded hand-off: a call's event is in this process's journal when its response completes and reaches SQLite
/// off the request path; a journal left by a process that died is moved in at the next start, and a half-written last
/// line (the kill came mid-write) is skipped, not fatal.
/// </summary>
public sealed class SpoolTests
{
    [Fact]
    public async Task A_dead_process_journal_is_moved_in_at_start()
    {
        var db = Keys.KeyGateway.NewStorePath();
        var spool = Path.Combine(Path.GetDirectoryName(db)!, "spool");
        Directory.CreateDirectory(spool);
        var events = SpendStoreContract.Sample(5, "spool", DateTimeOffset.UtcNow.AddMinutes(-10));
        var lines = string.Concat(events.Select(e => JsonSerializer.Serialize(e, SpendJson.Default.SpendEvent) + "\n")) + "{\"id\":\"req_half";
        var orphan = Path.Combine(spool, "spend-999999-0123456789abcdef0123456789abcdef.jsonl");
        await File.WriteAllTextAsync(orphan, lines);

        await using var gw = await TestGateway.StartAsync(Yaml.Config(), new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = db });
        var store = gw.Services.GetRequiredService<ISpendStore>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var i = 0; i < 100 && File.Exists(orphan); i++) await Task.Delay(50);
        Assert.False(File.Exists(orphan));
        var found = await store.QueryLogsAsync(new SpendLogQuery(today.AddDays(-1), today.AddDays(1)) { Limit = 100 });
        Assert.Equal(events.Select(e => e.Id).Order(), found.Items.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task A_call_is_journaled_before_its_response_and_reaches_sqlite_without_a_query()
    {
        var db = Keys.KeyGateway.NewStorePath();
        await using var gw = await TestGateway.StartAsync(Yaml.Config(), new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = db });
        using var r = await gw.Http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"mock","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var id = r.Headers.GetValues("x-gateway-request-id").Single();
        var journal = Assert.Single(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(db)!, "spool"), "*.jsonl"));
        Assert.Contains(id, await ReadSharedAsync(journal));

        // The drainer moves it into SQLite by itself (read SQLite directly, not through the API's draining store).
        var raw = new Gateway.Stores.Sqlite.SqliteSpendStore(db);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var i = 0; i < 100; i++)
        {
            if ((await raw.QueryLogsAsync(new SpendLogQuery(today.AddDays(-1), today) { RequestId = id })).Items.Count == 1) return;
            await Task.Delay(20);
        }
        Assert.Fail("the journaled event did not reach SQLite");
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(f);
        return await reader.ReadToEndAsync();
    }
}
