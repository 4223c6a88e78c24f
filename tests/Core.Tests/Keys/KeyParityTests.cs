using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Keys;

/// <summary>
/// The key fields and routes LiteLLM's admin UI and SDKs use: /key/block, /key/unblock, /key/health, per-model
/// budgets and rate limits, aliases, allowed_routes, and the stored-only fields.
/// </summary>
public sealed class KeyParityTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = TestClock.TenSecondsIntoAMinute();
    private TestGateway _gw = null!;

    public async Task InitializeAsync() => _gw = await KeyGateway.StartAsync(KeyGateway.NewStorePath(), _clock);
    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private const string OneToken = ",\"max_tokens\":1,\"mock_response\":\"ok\""; // $0.001 on "priced", reserved and charged exactly

    [Fact]
    public async Task Block_and_unblock_switch_a_key_off_and_on_and_health_reports_it()
    {
        var key = await _gw.GenerateAsync();
        var (status, health) = await _gw.AsKeyAsync(key, HttpMethod.Post, "/key/health");
        Assert.Equal(200, status);
        Assert.Equal("healthy", health.GetProperty("key").GetString());

        Assert.True((await _gw.PostAsync("/key/block", $$"""{"key":"{{key}}"}""")).GetProperty("blocked").GetBoolean());
        using (var r = await _gw.ChatAsync(key)) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal(401, (await _gw.AsKeyAsync(key, HttpMethod.Post, "/key/health")).Status);

        var token = Gateway.Keys.KeySecrets.Hash(key);
        Assert.False((await _gw.PostAsync("/key/unblock", $$"""{"key":"{{token}}"}""")).GetProperty("blocked").GetBoolean());
        using (var r = await _gw.ChatAsync(key)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await _gw.PostAsync("/key/block", """{"key":"sk-nope"}""", 404);
        await _gw.PostAsync("/key/block", "{}", 400);
    }

    [Fact]
    public async Task A_model_max_budget_stops_that_model_alone()
    {
        var key = await _gw.GenerateAsync("""{"model_max_budget":{"priced":{"budget_limit":0.002,"time_period":"1d"}}}""");
        for (var i = 0; i < 2; i++)
            using (var ok = await _gw.ChatAsync(key, extra: OneToken)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var refused = await _gw.ChatAsync(key, extra: OneToken))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = await KeyGateway.ErrorOf(refused);
            Assert.Equal("budget_exceeded", error.GetProperty("code").GetString());
            Assert.Contains("on model 'priced'", error.GetProperty("message").GetString());
        }
        using (var other = await _gw.ChatAsync(key, model: "other")) Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        var info = await _gw.InfoAsync(key);
        Assert.Equal(0.002m, info.GetProperty("model_spend").GetProperty("priced").GetDecimal());
        Assert.Equal(0.002m, info.GetProperty("spend").GetDecimal());
        Assert.Equal("1d", info.GetProperty("model_max_budget").GetProperty("priced").GetProperty("time_period").GetString());

        // The day ends at midnight UTC: the model's budget is whole again.
        _clock.Advance(TimeSpan.FromDays(1));
        using (var next = await _gw.ChatAsync(key, extra: OneToken)) Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Per_model_rpm_and_tpm_limits_bind_that_model_only()
    {
        var key = await _gw.GenerateAsync("""{"model_rpm_limit":{"other":1},"model_tpm_limit":{"priced":50}}""");
        using (var first = await _gw.ChatAsync(key, model: "other")) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var second = await _gw.ChatAsync(key, model: "other"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.Equal("rpm_limit_exceeded", (await KeyGateway.ErrorOf(second)).GetProperty("code").GetString());
        }
        // "priced" may produce 100 output tokens by default: past its 50 tokens per minute; 10 fit.
        using (var big = await _gw.ChatAsync(key)) Assert.Equal(HttpStatusCode.TooManyRequests, big.StatusCode);
        using (var small = await _gw.ChatAsync(key, extra: ",\"max_tokens\":10")) Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(1));
        using (var later = await _gw.ChatAsync(key, model: "other")) Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task Aliases_name_models_but_never_open_one_outside_the_keys_list()
    {
        var key = await _gw.GenerateAsync("""{"models":["priced"],"aliases":{"fast":"priced","sneaky":"other"}}""");
        using (var ok = await _gw.ChatAsync(key, model: "fast", extra: OneToken)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var refused = await _gw.ChatAsync(key, model: "sneaky"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("model_not_allowed", (await KeyGateway.ErrorOf(refused)).GetProperty("code").GetString());
        }
        var info = await _gw.InfoAsync(key);
        Assert.Equal(0.001m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(1, info.GetProperty("requests_this_minute").GetInt64());
        var events = await _gw.SpendEventsAsync(key, 1);
        Assert.Equal("fast", events[0].GetProperty("model").GetString());
        Assert.Equal("priced", events[0].GetProperty("model_group").GetString());
    }

    [Fact]
    public async Task Allowed_routes_limit_a_key_to_its_routes()
    {
        var key = await _gw.GenerateAsync("""{"allowed_routes":["/chat/completions","info_routes"]}""");
        using (var chat = await _gw.ChatAsync(key)) Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(200, (await _gw.AsKeyAsync(key, HttpMethod.Get, "/key/info")).Status);
        var (status, error) = await _gw.AsKeyAsync(key, HttpMethod.Post, "/v1/embeddings", """{"model":"mock-embedding","input":"hi"}""");
        Assert.Equal(403, status);
        Assert.Equal("route_not_allowed", error.GetProperty("error").GetProperty("code").GetString());
        var bad = await _gw.PostAsync("/key/generate", """{"allowed_routes":["chat/completions"]}""", 400);
        Assert.Equal("allowed_routes", bad.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Stored_fields_come_back_and_null_clears_them()
    {
        var generated = await _gw.PostAsync("/key/generate", """
            {"tags":["prod","search"],"permissions":{"get_spend_routes":false},"soft_budget":4,"duration":"30d",
             "model_tpm_limit":{"priced":1000},"model_max_budget":{"other":0.5}}
            """);
        var key = generated.GetProperty("key").GetString()!;
        Assert.Equal(_clock.GetUtcNow().AddDays(30), generated.GetProperty("expires").GetDateTimeOffset());
        var info = await _gw.InfoAsync(key);
        Assert.Equal(["prod", "search"], info.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.False(info.GetProperty("permissions").GetProperty("get_spend_routes").GetBoolean());
        Assert.Equal(4m, info.GetProperty("soft_budget").GetDecimal());
        Assert.Equal(1000, info.GetProperty("model_tpm_limit").GetProperty("priced").GetInt64());
        Assert.Equal(0.5m, info.GetProperty("model_max_budget").GetProperty("other").GetProperty("budget_limit").GetDecimal());

        await _gw.PostAsync("/key/update", $$"""{"key":"{{key}}","tags":null,"permissions":null,"model_max_budget":null,"duration":null}""");
        info = await _gw.InfoAsync(key);
        Assert.Equal(JsonValueKind.Null, info.GetProperty("tags").ValueKind);
        Assert.Equal(JsonValueKind.Null, info.GetProperty("model_max_budget").ValueKind);
        Assert.Equal(JsonValueKind.Null, info.GetProperty("expires").ValueKind);
    }

    [Theory]
    [InlineData("""{"model_max_budget":[1]}""", "model_max_budget")]
    [InlineData("""{"model_max_budget":{"priced":-1}}""", "model_max_budget.priced")]
    [InlineData("""{"model_max_budget":{"priced":{"time_period":"1d"}}}""", "model_max_budget.priced.budget_limit")]
    [InlineData("""{"model_max_budget":{"priced":{"budget_limit":1,"time_period":"soon"}}}""", "time_period")]
    [InlineData("""{"model_rpm_limit":{"priced":1.5}}""", "model_rpm_limit.priced")]
    [InlineData("""{"aliases":{"a":5}}""", "aliases.a")]
    [InlineData("""{"permissions":[]}""", "permissions")]
    public async Task Malformed_fields_are_a_400_naming_them(string body, string param)
    {
        var error = await _gw.PostAsync("/key/generate", body, 400);
        Assert.Equal(param, error.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("error").GetProperty("type").GetString());
    }
}
