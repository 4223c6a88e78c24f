using System.Collections.Concurrent;
using System.Net;
using Gateway.Routing.Cooldowns;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Gateway.Tests.Routing.CooldownEndToEndTests;

namespace Gateway.Tests.Routing;

/// <summary>
/// Two gateways (separate hosts, routers and breakers, in one test process) sharing one store: once the first trips a
/// breaker, the second stops sending to that deployment within its one-second read, without failing a call itself.
/// </summary>
public abstract class SharedCooldownTests
{
    protected abstract Dictionary<string, string> StoreEnvironment();

    private static string Models(FakeUpstream good, FakeUpstream dead, string instance) => $$"""
          - model_name: pair
            litellm_params: { model: openai/gpt-4o-mini, api_base: "{{good.V1}}", api_key: sk-upstream }
            model_info: { id: good }
          - model_name: pair
            litellm_params: { model: openai/gpt-4o-mini, api_base: "{{dead.V1}}/{{instance}}", api_key: sk-upstream }
            model_info: { id: dead }
        router_settings:
          allowed_fails: 0
          cooldown_time: 60
          num_retries: 1
        """;

    [Fact]
    public async Task A_breaker_tripped_on_one_instance_takes_the_deployment_out_on_the_other()
    {
        var toB = new ConcurrentQueue<DateTimeOffset>();
        await using var good = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("good")));
        // The dead deployment fails only for instance A; B's calls to it succeed, so B can learn of it only from the store.
        await using var dead = await FakeUpstream.StartAsync((ctx, _) =>
        {
            if (ctx.Request.Path.StartsWithSegments("/v1/a"))
                return OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("down", "server_error", null), 500);
            toB.Enqueue(DateTimeOffset.UtcNow);
            return OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("dead but fine for b"));
        });
        var env = StoreEnvironment();
        await using var a = await TestGateway.StartAsync(Yaml.Config(extraModels: Models(good, dead, "a")), env);
        await using var b = await TestGateway.StartAsync(Yaml.Config(extraModels: Models(good, dead, "b")), env);

        // B sends to both while nothing is shared.
        for (var i = 0; i < 40 && toB.IsEmpty; i++) await OkAsync(b);
        Assert.NotEmpty(toB);

        // A trips the breaker on its first failure (allowed_fails 0).
        for (var i = 0; i < 200 && dead.Requests.Count(r => r.PathAndQuery.StartsWith("/v1/a")) == 0; i++) await OkAsync(a);
        var tripped = DateTimeOffset.UtcNow;
        var sharing = b.Services.GetRequiredService<SharedCooldowns>();

        // B keeps sending; within its read interval it has the cooldown and sends the dead deployment nothing more.
        var until = tripped + TimeSpan.FromSeconds(5);
        DateTimeOffset? learned = null;
        var afterLearning = 0;
        while (DateTimeOffset.UtcNow < until)
        {
            var before = toB.Count;
            await OkAsync(b);
            if (learned is not null) afterLearning += toB.Count - before;
            else if (sharing.Applied > 0) learned = DateTimeOffset.UtcNow;
            await Task.Delay(20);
        }
        Assert.NotNull(learned);
        Assert.Equal(0, afterLearning);
        var lastToB = toB.Max();
        Assert.True(lastToB - tripped < TimeSpan.FromSeconds(3),
            $"B sent the dead deployment a call {(lastToB - tripped).TotalMilliseconds:0} ms after A tripped it");
        var state = await b.Http.GetStringAsync("/router/deployments");
        Assert.Contains("\"id\":\"dead\"", state);
        Assert.Contains("\"available\":false", state);
    }

    private static async Task OkAsync(TestGateway gw)
    {
        using var r = await gw.Http.PostAsync("/v1/chat/completions", Body("pair"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }
}

public sealed class SqliteSharedCooldownTests : SharedCooldownTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new() { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() };
}

public sealed class TablesSharedCooldownTests : SharedCooldownTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "tables",
        ["GATEWAY_TABLES_CONNECTION_STRING"] = Stores.Emulators.AzuriteTablesConnectionString(),
        ["GATEWAY_TABLE_PREFIX"] = Stores.Emulators.UniquePrefix(),
    };
}

public sealed class DynamoDbSharedCooldownTests : SharedCooldownTests
{
    protected override Dictionary<string, string> StoreEnvironment() => new()
    {
        ["GATEWAY_STORE"] = "dynamodb",
        ["GATEWAY_DYNAMODB_ENDPOINT"] = Stores.Emulators.DynaliteEndpoint(),
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["GATEWAY_TABLE_PREFIX"] = Stores.Emulators.UniquePrefix(),
    };
}

/// <summary>With the store unreachable, each instance routes on its own breakers.</summary>
public sealed class UnreachableStoreCooldownTests
{
    [Fact]
    public async Task An_unreachable_store_leaves_each_instance_its_own_cooldowns()
    {
        await using var good = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("good")));
        await using var bad = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("down", "server_error", null), 500));
        var models = $$"""
              - model_name: pair
                litellm_params: { model: openai/gpt-4o-mini, api_base: "{{good.V1}}", api_key: sk-upstream }
              - model_name: pair
                litellm_params: { model: openai/gpt-4o-mini, api_base: "{{bad.V1}}", api_key: sk-upstream }
            router_settings: { allowed_fails: 1, cooldown_time: 60 }
            """;
        var env = new Dictionary<string, string>
        {
            ["GATEWAY_STORE"] = "dynamodb",
            ["GATEWAY_DYNAMODB_ENDPOINT"] = $"http://127.0.0.1:{FreePort.Get()}",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
        };
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: models), env,
            s => s.AddSingleton<Gateway.Routing.IRandomSource>(new RoutingFixture.Seeded(5)));
        for (var i = 0; i < 12; i++)
        {
            using var r = await gw.Http.PostAsync("/v1/chat/completions", Body("pair"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.Equal(2, bad.Requests.Count); // allowed_fails 1: the 2nd failure took it out, store or no store
    }
}
