using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Keys;
using Gateway.Tests.Keys;
using Gateway.Tests.Stores;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Spend;

/// <summary>
/// One truth for spend: calls that end without full usage (the client leaves a slow stream, the upstream breaks off
/// mid-stream, a stream brings no usage chunk) and calls the upstream refuses leave one event each, and the key's
/// spend counter equals the sum of its events to the nano-dollar. Run on every store.
/// </summary>
public abstract class UnknownUsageSpendTests : IAsyncLifetime
{
    private const int ClientsLeaving = 4, UpstreamBreaks = 3, Refused = 3, NoUsageChunk = 2, Normal = 2;
    private FakeUpstream _up = null!;

    /// <summary>Released by the client once it has read the streamed text: then the upstream breaks the connection.</summary>
    private readonly SemaphoreSlim _breakNow = new(0);
    private TestGateway _gw = null!;

    protected abstract Dictionary<string, string> StoreEnvironment();

    public async Task InitializeAsync()
    {
        _up = await FakeUpstream.StartAsync(AnswerAsync);
        _gw = await TestGateway.StartAsync(Yaml.Config(_up.V1), StoreEnvironment());
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _up.DisposeAsync();
    }

    /// <summary>The upstream acts out the case the request names in its prompt.</summary>
    private async Task AnswerAsync(HttpContext ctx, RecordedRequest r)
    {
        var pieces = new[] { "The quick brown fox ", "jumps over the lazy dog ", "and keeps on running." };
        if (r.Body.Contains("case:refused"))
        {
            ctx.Response.Headers.RetryAfter = "1";
            await OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("Rate limit reached", "requests", "rate_limit_exceeded"), 429);
            return;
        }
        var chunks = OpenAIWire.TextStream(pieces, includeUsage: !r.Body.Contains("case:no-usage"), prompt: 40, completion: 12);
        if (r.Body.Contains("case:leaving"))
        {
            // Two chunks, then silence until the gateway gives up the call (the client left).
            await OpenAIWire.WriteStreamAsync(ctx, chunks.Take(2).Append(chunks[2]), async i =>
            {
                if (i == 2) await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
            });
            return;
        }
        if (r.Body.Contains("case:breaks"))
        {
            await OpenAIWire.WriteStreamAsync(ctx, chunks.Take(3), async i =>
            {
                if (i < 2) return;
                await _breakNow.WaitAsync(ctx.RequestAborted);
                ctx.Abort();
            });
            return;
        }
        await OpenAIWire.WriteStreamAsync(ctx, chunks);
    }

    [Fact]
    public async Task Key_spend_equals_the_sum_of_its_events_to_the_nano_dollar()
    {
        var key = await _gw.GenerateAsync("""{"key_alias":"truth","max_budget":10}""");
        var http = new HttpClient { BaseAddress = _gw.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);

        for (var i = 0; i < ClientsLeaving; i++) await LeaveMidStreamAsync(http, i);
        for (var i = 0; i < UpstreamBreaks; i++) await BreakMidStreamAsync(http, i);
        for (var i = 0; i < Refused; i++)
        {
            using var r = await PostAsync(http, "case:refused", i, stream: true);
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
        }
        for (var i = 0; i < NoUsageChunk; i++) await ReadAllAsync(http, "case:no-usage", i);
        for (var i = 0; i < Normal; i++) await ReadAllAsync(http, "case:normal", i);

        const int total = ClientsLeaving + UpstreamBreaks + Refused + NoUsageChunk + Normal;
        var events = await _gw.SpendEventsAsync(key, total);
        Assert.Equal(total, events.Count);
        Assert.Equal(total, events.Select(e => e.GetProperty("id").GetString()).Distinct().Count());

        var byCase = events.ToLookup(Case);
        foreach (var e in byCase["leaving"].Concat(byCase["breaks"]).Concat(byCase["no-usage"]))
        {
            Assert.True(Estimated(e), e.ToString());
            Assert.True(e.GetProperty("completion_tokens").GetInt32() > 0, e.ToString());
            Assert.True(e.GetProperty("spend").GetDecimal() > 0, e.ToString());
        }
        foreach (var e in byCase["refused"])
        {
            Assert.Equal("failure", e.GetProperty("status").GetString());
            Assert.Equal(0m, e.GetProperty("spend").GetDecimal());
        }
        foreach (var e in byCase["normal"])
        {
            Assert.False(Estimated(e));
            Assert.Equal(12, e.GetProperty("completion_tokens").GetInt32());
        }
        Assert.Equal(ClientsLeaving, byCase["leaving"].Count(e => Code(e) == "client_disconnected"));

        var eventNanos = events.Sum(e => Money.ToNanos(e.GetProperty("spend").GetDecimal()));
        var info = await _gw.InfoAsync(key);
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
        Assert.Equal(eventNanos, Money.ToNanos(info.GetProperty("spend").GetDecimal()));
    }

    private static bool Estimated(JsonElement e) => e.TryGetProperty("usage_estimated", out var v) && v.GetBoolean();

    private static string? Code(JsonElement e) => e.TryGetProperty("error_code", out var v) ? v.GetString() : null;

    /// <summary>Bodies are not stored by default: the case is told by the outcome.</summary>
    private static string Case(JsonElement e)
    {
        var code = Code(e);
        return code switch
        {
            "client_disconnected" => "leaving",
            "rate_limit_exceeded" => "refused",
            "upstream_unreachable" => "breaks",
            null when Estimated(e) => "no-usage",
            null => "normal",
            _ => "other:" + code,
        };
    }


    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string marker, int i, bool stream) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"gpt-4o-mini","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{marker}} #{{i}}: tell me about foxes"}]}""",
                Encoding.UTF8, "application/json"),
        }, HttpCompletionOption.ResponseHeadersRead);

    private static async Task ReadAllAsync(HttpClient http, string marker, int i)
    {
        using var r = await PostAsync(http, marker, i, stream: true);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await r.Content.ReadAsStringAsync();
    }

    private static async Task LeaveMidStreamAsync(HttpClient http, int i)
    {
        using var r = await PostAsync(http, "case:leaving", i, stream: true);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await using var body = await r.Content.ReadAsStreamAsync();
        await Sse.ReadUntilAsync(body, "jumps over");
        // Leaving: disposing the response aborts the connection.
    }

    private async Task BreakMidStreamAsync(HttpClient http, int i)
    {
        using var r = await PostAsync(http, "case:breaks", i, stream: true);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await using var body = await r.Content.ReadAsStreamAsync();
        var seen = await Sse.ReadUntilAsync(body, "jumps over");
        _breakNow.Release();
        // The gateway ends the stream with an error event after the break.
        seen += await new StreamReader(body).ReadToEndAsync();
        Assert.Contains("upstream_unreachable", seen);
    }

}

public sealed class SqliteUnknownUsageSpendTests : UnknownUsageSpendTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new() { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() };
}

public sealed class TablesUnknownUsageSpendTests : UnknownUsageSpendTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "tables",
        ["GATEWAY_TABLES_CONNECTION_STRING"] = Emulators.AzuriteTablesConnectionString(),
        ["GATEWAY_TABLE_PREFIX"] = Emulators.UniquePrefix(),
    };
}

public sealed class DynamoUnknownUsageSpendTests : UnknownUsageSpendTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "dynamodb",
        ["GATEWAY_DYNAMODB_ENDPOINT"] = Emulators.DynaliteEndpoint(),
        ["GATEWAY_TABLE_PREFIX"] = Emulators.UniquePrefix(),
        ["AWS_REGION"] = "us-east-1",
    };
}
