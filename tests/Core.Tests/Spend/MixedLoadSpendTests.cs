using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Gateway.Spend.Ingest;
using Gateway.Tests.Conformance;
using Gateway.Tests.Conformance.Targets;
using Gateway.Tests.Keys;
using Gateway.Tests.Stores;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Spend;

/// <summary>
/// 1,000 mixed calls (four providers on their own wire formats, streamed and not, prompt-cache hits, upstream errors)
/// through one gateway with a virtual key. Afterwards the store holds exactly one event per call, and the recorded
/// costs add up to what this test computes itself from the upstream usage and the shipped price table; the rollups
/// add up to the logs. Run on every store.
/// </summary>
public abstract class MixedLoadSpendTests : IAsyncLifetime
{
    private const int Calls = 1000;
    private const int Concurrency = 16;

    private sealed record Provider(string Name, ConformanceTarget Target, string PricedAs, FakeUpstream Up);

    private readonly List<Provider> _providers = [];
    private TestGateway _gw = null!;

    protected abstract Dictionary<string, string> StoreEnvironment();

    public async Task InitializeAsync()
    {
        (string Name, ConformanceTarget Target, string PricedAs)[] specs =
        [
            ("p-openai", new OpenAITarget(), "gpt-4o-mini"),
            ("p-anthropic", new AnthropicTarget(), "claude-sonnet-4-5"),
            ("p-gemini", new GeminiTarget(), "gemini-2.5-flash"),
            // A geo cross-region inference profile is priced as its base model plus Bedrock's regional premium.
            ("p-bedrock", new BedrockTarget(), "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        ];
        var models = new StringBuilder();
        foreach (var (name, target, pricedAs) in specs)
        {
            var up = await FakeUpstream.StartAsync();
            _providers.Add(new Provider(name, target, pricedAs, up));
            models.AppendLine(target.Models(up.BaseAddress.ToString().TrimEnd('/'))
                .Replace("model_name: conf", "model_name: " + name)
                .Replace("anthropic.claude-3-5-sonnet-20240620-v1:0", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"));
        }
        _gw = await TestGateway.StartAsync(Yaml.Config(extraModels: models.ToString()), StoreEnvironment());
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        foreach (var p in _providers) await p.Up.DisposeAsync();
    }

    /// <summary>What call <paramref name="i"/> asks for and how its upstream answers.</summary>
    private (Provider P, bool Stream, Reply Reply) Plan(int i)
    {
        var p = _providers[i % 4];
        var stream = i / 4 % 2 == 1;
        if (i % 10 == 7) return (p, stream, new ErrorReply(400));
        var prompt = 200 + i % 97;
        var cached = i % 3 == 0 ? 128 : 0; // a prompt-cache hit
        return (p, stream, new TextReply(["Hel", "lo ", $"#{i}"], Finish.Stop, new Usage(prompt, 5 + i % 13, cached)));
    }

    [Fact]
    public async Task Every_call_is_recorded_once_and_the_costs_add_up_to_the_cent()
    {
        await _gw.PostAsync("/team/new", """{"team_id":"load-team"}""");
        var key = (await _gw.PostAsync("/key/generate", """{"key_alias":"load","team_id":"load-team","tags":["load"]}""")).GetProperty("key").GetString()!;
        // Each upstream answers by the call number the request carries.
        foreach (var p in _providers)
            p.Up.Handler = (ctx, recorded) =>
            {
                var i = int.Parse(System.Text.RegularExpressions.Regex.Match(recorded.Body, @"call (\d+)").Groups[1].Value);
                var (_, stream, reply) = Plan(i);
                return p.Target.AnswerAsync(ctx, reply, stream);
            };

        var ids = new ConcurrentDictionary<int, string>();
        var expected = new ConcurrentDictionary<int, decimal>();
        using var client = new HttpClient { BaseAddress = _gw.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await Parallel.ForEachAsync(Enumerable.Range(0, Calls), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, ct) =>
        {
            var (p, stream, reply) = Plan(i);
            var body = $$"""{"model":"{{p.Name}}","messages":[{"role":"user","content":"call {{i}}"}]{{(stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "")}}}""";
            using var r = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            var text = await r.Content.ReadAsStringAsync(ct);
            ids[i] = r.Headers.GetValues("x-gateway-request-id").Single();
            if (reply is TextReply t)
            {
                Assert.True(r.IsSuccessStatusCode, $"call {i} ({p.Name}): {(int)r.StatusCode} {text}");
                Assert.EndsWith(stream ? "data: [DONE]\n\n" : "}", text);
                expected[i] = PriceSheet.Cost(PriceSheet.For(p.PricedAs), t.Usage.Prompt, t.Usage.Completion, t.Usage.Cached);
            }
            else
            {
                Assert.Equal(400, (int)r.StatusCode);
                expected[i] = 0m;
            }
        });

        // Every event is in the store now: each was handed off before its response completed.
        var store = _gw.Services.GetRequiredService<ISpendStore>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var events = new List<Gateway.Spend.SpendEvent>();
        string? cursor = null;
        do
        {
            var page = await store.QueryLogsAsync(new SpendLogQuery(today.AddDays(-1), today) { KeyHash = Gateway.Keys.KeySecrets.Hash(key), Limit = 500, Cursor = cursor });
            events.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);

        Assert.Equal(Calls, events.Count);
        Assert.Equal(Calls, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(ids.Values.Order(), events.Select(e => e.Id).Order());
        var byId = events.ToDictionary(e => e.Id);
        foreach (var (i, id) in ids) Assert.True(expected[i] == byId[id].Spend, $"call {i}: expected {expected[i]}, recorded {byId[id].Spend}");
        Assert.Equal(Calls / 10, events.Count(e => e.Status == "failure"));
        Assert.Equal(expected.Values.Sum(), events.Sum(e => e.Spend));
        Assert.Equal(Math.Round(expected.Values.Sum(), 2), Math.Round(events.Sum(e => e.Spend), 2));

        // Rollups equal the logs they were built from.
        var keyRows = await store.QueryRollupsAsync(new RollupQuery(SpendDimensions.Key, today.AddDays(-1), today, Gateway.Keys.KeySecrets.Hash(key)));
        Assert.Equal(events.Sum(SpendDimensions.Nanos), keyRows.Sum(r => r.SpendNanos));
        Assert.Equal(Calls, keyRows.Sum(r => r.Requests));
        var teamRows = await store.QueryRollupsAsync(new RollupQuery(SpendDimensions.Team, today.AddDays(-1), today, "load-team"));
        Assert.Equal(events.Sum(SpendDimensions.Nanos), teamRows.Sum(r => r.SpendNanos));
        var modelRows = await store.QueryRollupsAsync(new RollupQuery(SpendDimensions.Model, today.AddDays(-1), today));
        foreach (var p in _providers)
            Assert.Equal(events.Where(e => e.ModelGroup == p.Name).Sum(SpendDimensions.Nanos), modelRows.Where(r => r.Value == p.Name).Sum(r => r.SpendNanos));
    }
}

public sealed class SqliteMixedLoadSpendTests : MixedLoadSpendTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new() { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() };
}

public sealed class TablesMixedLoadSpendTests : MixedLoadSpendTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "tables",
        ["GATEWAY_TABLES_CONNECTION_STRING"] = Emulators.AzuriteTablesConnectionString(),
        ["GATEWAY_TABLE_PREFIX"] = Emulators.UniquePrefix(),
    };
}

public sealed class DynamoMixedLoadSpendTests : MixedLoadSpendTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "dynamodb",
        ["GATEWAY_DYNAMODB_ENDPOINT"] = Emulators.DynaliteEndpoint(),
        ["GATEWAY_TABLE_PREFIX"] = Emulators.UniquePrefix(),
        ["AWS_REGION"] = "us-east-1",
    };
}
