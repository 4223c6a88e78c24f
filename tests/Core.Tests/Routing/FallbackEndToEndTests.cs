using System.Net;
using System.Text.Json;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Gateway.Tests.Routing.CooldownEndToEndTests;

namespace Gateway.Tests.Routing;

/// <summary>Fallbacks of the three kinds, per-request fallbacks, the test flags, and what the headers and spend event say.</summary>
public sealed class FallbackEndToEndTests : IAsyncLifetime
{
    private FakeUpstream _small = null!;
    private FakeUpstream _large = null!;
    private FakeUpstream _safe = null!;

    public async Task InitializeAsync()
    {
        _small = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx,
            OpenAIWire.Error("This model's maximum context length is 8192 tokens.", "invalid_request_error", "context_length_exceeded", "messages"), 400));
        _large = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("from large", prompt: 10, completion: 2)));
        _safe = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("from safe", prompt: 10, completion: 2)));
    }

    public async Task DisposeAsync()
    {
        await _small.DisposeAsync();
        await _large.DisposeAsync();
        await _safe.DisposeAsync();
    }

    private string Models(string routerExtra = "", int? smallMaxInput = null) => Models(routerExtra, smallMaxInput is { } m ? $", max_input_tokens: {m}" : "");

    private string Models(string routerExtra, string smallInfo) => $$"""
          - model_name: small
            litellm_params: { model: openai/gpt-4o-mini, api_base: "{{_small.V1}}", api_key: sk-upstream }
            model_info: { id: small-1{{smallInfo}} }
          - model_name: small
            litellm_params: { model: openai/gpt-4o-mini, api_base: "{{_small.V1}}", api_key: sk-upstream }
            model_info: { id: small-2{{smallInfo}} }
          - model_name: large
            litellm_params: { model: openai/gpt-4o, api_base: "{{_large.V1}}", api_key: sk-upstream }
            model_info: { id: large-1 }
          - model_name: safe
            litellm_params: { model: openai/gpt-4o-mini, api_base: "{{_safe.V1}}", api_key: sk-upstream }
            model_info: { id: safe-1 }
        router_settings:
          num_retries: 3
          context_window_fallbacks: [{"small": ["large"]}]
          content_policy_fallbacks: [{"small": ["safe"]}]
          fallbacks: [{"small": ["safe"]}]
        {{routerExtra}}
        """;

    [Fact]
    public async Task A_context_window_error_lands_on_the_context_window_fallback_in_one_extra_attempt()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models()));
        using var r = await gw.Http.PostAsync("/v1/chat/completions", Body("small"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("from large", await r.Content.ReadAsStringAsync());
        Assert.Single(_small.Requests); // no retry spent on the non-retryable error, not even on its sibling
        Assert.Single(_large.Requests);
        Assert.Empty(_safe.Requests);
        Assert.Equal("large-1", r.Headers.GetValues("x-gateway-model-id").Single());
        Assert.Equal("large", r.Headers.GetValues("x-gateway-model-group").Single());
        Assert.Equal("2", r.Headers.GetValues("x-gateway-attempts").Single());

        var e = await EventAsync(gw, r);
        Assert.True(e.Fallback);
        Assert.Equal(1, e.Retries);
        Assert.Equal("large", e.ModelGroup);
        Assert.Equal("small", e.Model);
        Assert.Equal(2, e.DeploymentsTried.Count);
        Assert.StartsWith("small-", e.DeploymentsTried[0]);
        Assert.Equal("large-1", e.DeploymentsTried[1]);
    }

    [Fact]
    public async Task With_pre_call_checks_a_prompt_too_long_for_the_group_goes_to_the_fallback_without_calling_it()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models("  enable_pre_call_checks: true", smallMaxInput: 50)));
        var longPrompt = string.Join(' ', Enumerable.Repeat("word", 400));
        using var r = await gw.Http.PostAsync("/v1/chat/completions", new StringContent(
            JsonSerializer.Serialize(new { model = "small", messages = new[] { new { role = "user", content = longPrompt } } }), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Empty(_small.Requests);
        Assert.Single(_large.Requests);
        Assert.Equal("1", r.Headers.GetValues("x-gateway-attempts").Single());
        // A short prompt fits and goes to the group itself (whose fake upstream then says context window anyway).
        using var s = await gw.Http.PostAsync("/v1/chat/completions", Body("small"));
        Assert.Equal(HttpStatusCode.OK, s.StatusCode);
        Assert.Single(_small.Requests);
        Assert.Equal("2", s.Headers.GetValues("x-gateway-attempts").Single());
    }

    [Theory]
    [InlineData("mock_testing_fallbacks", "from safe")]
    [InlineData("mock_testing_context_window_fallbacks", "from large")]
    [InlineData("mock_testing_content_policy_fallbacks", "from safe")]
    public async Task The_mock_testing_flags_exercise_each_kind_of_fallback(string flag, string expected)
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models()));
        using var r = await gw.Http.PostAsync("/v1/chat/completions", Body("small", $",\"{flag}\":true"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains(expected, await r.Content.ReadAsStringAsync());
        Assert.Empty(_small.Requests);
        var sent = (_large.Requests.Concat(_safe.Requests)).Single();
        Assert.DoesNotContain(flag, sent.Body); // a gateway directive, never sent upstream
    }

    [Fact]
    public async Task A_request_fallbacks_array_replaces_the_groups_own_and_is_never_sent_upstream()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models()));
        using var r = await gw.Http.PostAsync("/v1/chat/completions", Body("small", ",\"fallbacks\":[\"large\"],\"mock_testing_fallbacks\":true"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("from large", await r.Content.ReadAsStringAsync());
        Assert.Empty(_safe.Requests);
        Assert.DoesNotContain("fallbacks", _large.Last.Body);

        using var unknown = await gw.Http.PostAsync("/v1/chat/completions", Body("small", ",\"fallbacks\":[\"nope\"]"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("\"param\":\"fallbacks\"", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_fallback_group_outside_the_keys_models_or_under_its_own_model_budget_is_never_reached()
    {
        var env = new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() };
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models()), env);
        var onlySmall = await gw.GenerateAsync("""{"models":["small"]}""");
        var budgetedLarge = await gw.GenerateAsync("""{"models":["small","large","safe"],"model_max_budget":{"large":{"budget_limit":0.01},"safe":{"budget_limit":0.01}}}""");
        foreach (var key in new[] { onlySmall, budgetedLarge })
        {
            using var r = await ChatAsKeyAsync(gw, key, Body("small"));
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode); // the group's own error: no fallback it may reach
            Assert.Contains("context_length_exceeded", await r.Content.ReadAsStringAsync());
            using var mocked = await ChatAsKeyAsync(gw, key, Body("small", ",\"mock_testing_fallbacks\":true"));
            Assert.Equal(HttpStatusCode.InternalServerError, mocked.StatusCode);
        }
        Assert.Empty(_large.Requests);
        Assert.Empty(_safe.Requests);
        using var asked = await ChatAsKeyAsync(gw, onlySmall, Body("small", ",\"fallbacks\":[\"large\"]"));
        Assert.Equal(HttpStatusCode.Forbidden, asked.StatusCode);
        Assert.Empty(_large.Requests);
    }

    private static async Task<HttpResponseMessage> ChatAsKeyAsync(TestGateway gw, string key, HttpContent body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gw.BaseAddress, "/v1/chat/completions")) { Content = body };
        request.Headers.Authorization = new("Bearer", key);
        using var client = new HttpClient();
        return await client.SendAsync(request);
    }

    private static async Task<SpendEvent> EventAsync(TestGateway gw, HttpResponseMessage r)
    {
        var id = r.Headers.GetValues("x-gateway-request-id").Single();
        var store = gw.Services.GetRequiredService<ISpendStore>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var i = 0; i < 100; i++)
        {
            var page = await store.QueryLogsAsync(new SpendLogQuery(today.AddDays(-1), today.AddDays(1)) { RequestId = id });
            if (page.Items.Count > 0) return Assert.Single(page.Items);
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"no spend event for {id}");
    }
}
