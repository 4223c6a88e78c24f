using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Gateway.Providers.Azure;
using Gateway.Spend;
using Gateway.Spend.Sinks;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Spend;

/// <summary>
/// The Event Hubs sink against a loopback server that checks the REST send-batch contract: path and api-version,
/// content type, a bearer token issued for the Event Hubs audience, and a body of messages whose Body is the event and
/// whose partition key is the key hash. A failing hub never fails the user's call. (The REST transport; the SDK
/// transports live in the Azure host and are tested in tests/Functions.Azure.UnitTests.)
/// </summary>
public sealed class EventHubsSinkTests
{
    private const string Token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-eventhubs-token";

    /// <summary>Issues a token only for the Event Hubs audience and remembers what was asked for.</summary>
    private sealed class AudienceCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext context, CancellationToken ct) => Issue(context);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext context, CancellationToken ct) => new(Issue(context));

        private AccessToken Issue(TokenRequestContext context)
        {
            lock (Scopes) Scopes.AddRange(context.Scopes);
            if (context.Scopes is not ["https://eventhubs.azure.net/.default"]) throw new InvalidOperationException("wrong audience: " + string.Join(",", context.Scopes));
            return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
        }
    }

    private static async Task<(TestGateway Gw, FakeUpstream Hub, AudienceCredential Credential)> StartAsync(Func<Microsoft.AspNetCore.Http.HttpContext, RecordedRequest, Task> hub)
    {
        var fake = await FakeUpstream.StartAsync(hub);
        var credential = new AudienceCredential();
        var gw = await TestGateway.StartAsync(Yaml.Config(), new Dictionary<string, string>
        {
            ["GATEWAY_SPEND_SINK"] = "eventhubs",
            ["GATEWAY_EVENTHUBS_NAMESPACE"] = fake.BaseAddress.ToString().TrimEnd('/'),
            ["GATEWAY_EVENTHUBS_HUB"] = "spend",
            ["GATEWAY_EVENTHUBS_TRANSPORT"] = "rest",
        }, services => services.AddKeyedSingleton(EventHubsSpendSink.Scope, new AzureTokenSource(() => credential, EventHubsSpendSink.Scope)));
        return (gw, fake, credential);
    }

    [Fact]
    public async Task Events_are_sent_with_the_rest_send_batch_contract()
    {
        var (gw, hub, credential) = await StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = 201;
            return Task.CompletedTask;
        });
        await using var _ = gw;
        await using var __ = hub;
        var key = (await Keys.KeyGateway.PostAsync(gw, "/key/generate", """{"key_alias":"eh"}""")).GetProperty("key").GetString()!;
        using var client = new HttpClient { BaseAddress = gw.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var ids = new List<string>();
        foreach (var stream in new[] { false, true })
        {
            using var r = await client.PostAsync("/v1/chat/completions", new StringContent(
                $$"""{"model":"mock","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            await r.Content.ReadAsStringAsync();
            ids.Add(r.Headers.GetValues("x-gateway-request-id").Single());
        }

        // Both events reached the hub before their responses completed.
        var sends = hub.Requests.Where(r => r.Method == "POST").ToList();
        Assert.NotEmpty(sends);
        var messages = new List<JsonElement>();
        foreach (var send in sends)
        {
            Assert.Equal("/spend/messages?timeout=60&api-version=2014-01", send.PathAndQuery);
            Assert.Equal("application/vnd.microsoft.servicebus.json", send.Header("content-type"));
            Assert.Equal("Bearer " + Token, send.Header("authorization"));
            messages.AddRange(JsonDocument.Parse(send.Body).RootElement.EnumerateArray().Select(m => m.Clone()));
        }
        Assert.All(credential.Scopes, s => Assert.Equal("https://eventhubs.azure.net/.default", s));
        var events = messages.Select(m => JsonSerializer.Deserialize(m.GetProperty("Body").GetString()!, SpendJson.Default.SpendEvent)!).ToList();
        Assert.Equal(ids.Order(), events.Select(e => e.Id).Order());
        var hash = Gateway.Keys.KeySecrets.Hash(key);
        Assert.All(messages, m => Assert.Equal(hash, m.GetProperty("BrokerProperties").GetProperty("PartitionKey").GetString()));
        Assert.All(events, e => Assert.Equal(("eh", hash), (e.KeyAlias, e.KeyHash)));
        Assert.DoesNotContain(key, string.Join("\n", sends.Select(s => s.Body)));
    }

    [Fact]
    public async Task A_failing_hub_is_retried_then_counted_and_never_fails_the_call()
    {
        var (gw, hub, _) = await StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = 503;
            return ctx.Response.Body.WriteAsync("""{"error":{"code":503,"message":"server busy"}}"""u8.ToArray()).AsTask();
        });
        await using var _ = gw;
        await using var __ = hub;
        using var r = await gw.Http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"mock","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var handOff = gw.Services.GetRequiredService<SpendHandOff>();
        Assert.Equal(1, handOff.Counts.Lost);
        Assert.Equal(new SpendHandOffOptions().Attempts, hub.Requests.Count);
    }

    [Fact]
    public async Task The_sdk_transports_are_refused_at_start_on_a_host_without_the_sdk()
    {
        // Core alone (as in the AWS binary) carries no AMQP code: amqp, the default, must say so at start, not at the first call.
        foreach (var transport in new[] { "", "amqp", "amqpwebsockets" })
        {
            var e = await Assert.ThrowsAsync<Gateway.Hosting.StartupException>(() => TestGateway.StartAsync(Yaml.Config(), new Dictionary<string, string>
            {
                ["GATEWAY_SPEND_SINK"] = "eventhubs",
                ["GATEWAY_EVENTHUBS_NAMESPACE"] = "ns1",
                ["GATEWAY_EVENTHUBS_TRANSPORT"] = transport,
            }));
            Assert.Contains("GATEWAY_EVENTHUBS_TRANSPORT=rest", e.Message);
            Assert.Contains(transport is "" ? "amqp" : transport, e.Message);
        }
    }
}
