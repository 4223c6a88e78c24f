using System.Net;
using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.Support;
using static Gateway.Tests.Routing.CooldownEndToEndTests;

namespace Gateway.Tests.Routing;

/// <summary><c>model_group_alias</c> (and its hidden form), tag routing, <c>GET /health</c> and <c>GET /router/deployments</c>.</summary>
public sealed class AliasTagAndHealthTests : IAsyncLifetime
{
    private FakeUpstream _free = null!;
    private FakeUpstream _paid = null!;
    private FakeUpstream _fallback = null!;

    public async Task InitializeAsync()
    {
        _free = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("free")));
        _paid = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("paid")));
        _fallback = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("default")));
    }

    public async Task DisposeAsync()
    {
        await _free.DisposeAsync();
        await _paid.DisposeAsync();
        await _fallback.DisposeAsync();
    }

    private string Models(string router) => $$"""
          - model_name: chat
            litellm_params: { model: openai/gpt-4o-mini, api_base: "{{_free.V1}}", api_key: sk-upstream, tags: [free] }
            model_info: { id: free-1 }
          - model_name: chat
            litellm_params: { model: openai/gpt-4o, api_base: "{{_paid.V1}}", api_key: sk-upstream, tags: [paid, fast] }
            model_info: { id: paid-1 }
          - model_name: chat
            litellm_params: { model: openai/gpt-4o-mini, api_base: "{{_fallback.V1}}", api_key: sk-upstream-secret-health, tags: [default] }
            model_info: { id: default-1 }
        router_settings:
        {{router}}
        """;

    [Fact]
    public async Task Aliases_route_to_their_group_and_hidden_ones_are_not_listed()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models("""
              model_group_alias:
                gpt-4: chat
                secret-name: { model: chat, hidden: true }
            """)));
        foreach (var name in new[] { "gpt-4", "secret-name" })
        {
            using var r = await gw.Http.PostAsync("/v1/chat/completions", Body(name));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("chat", r.Headers.GetValues("x-gateway-model-group").Single());
        }
        var listed = JsonDocument.Parse(await gw.Http.GetStringAsync("/v1/models")).RootElement.GetProperty("data")
            .EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("gpt-4", listed);
        Assert.Contains("chat", listed);
        Assert.DoesNotContain("secret-name", listed);
    }

    [Fact]
    public async Task An_alias_does_not_widen_a_keys_models()
    {
        var env = new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() };
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models("  model_group_alias: { gpt-4: chat }")), env);
        var key = await gw.GenerateAsync("""{"models":["mock"]}""");
        using var r = await gw.ChatAsync(key, "gpt-4");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Empty(_free.Requests.Concat(_paid.Requests).Concat(_fallback.Requests));
    }

    [Fact]
    public async Task Tags_pick_the_deployments_that_carry_them_and_untagged_calls_go_to_default()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models("  enable_tag_filtering: true")));
        for (var i = 0; i < 10; i++)
        {
            using var paid = await gw.Http.PostAsync("/v1/chat/completions", Body("chat", ",\"tags\":[\"paid\"]"));
            Assert.Equal("paid-1", paid.Headers.GetValues("x-gateway-model-id").Single());
            using var none = await gw.Http.PostAsync("/v1/chat/completions", Body("chat"));
            Assert.Equal("default-1", none.Headers.GetValues("x-gateway-model-id").Single());
            using var unknown = await gw.Http.PostAsync("/v1/chat/completions", Body("chat", ",\"tags\":[\"gold\"]"));
            Assert.Equal("default-1", unknown.Headers.GetValues("x-gateway-model-id").Single());
            using var any = await gw.Http.PostAsync("/v1/chat/completions", Body("chat", ",\"metadata\":{\"tags\":[\"free\",\"gold\"]}"));
            Assert.Equal("free-1", any.Headers.GetValues("x-gateway-model-id").Single());
        }
        Assert.DoesNotContain(_paid.Requests, r => r.Body.Contains("\"tags\""));
    }

    [Fact]
    public async Task With_match_all_every_request_tag_must_be_on_the_deployment_and_a_keys_tags_count_when_the_request_has_none()
    {
        var env = new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() };
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models("""
              enable_tag_filtering: true
              tag_filtering_match_any: false
            """)), env);
        using (var both = await gw.Http.PostAsync("/v1/chat/completions", Body("chat", ",\"tags\":[\"paid\",\"fast\"]")))
            Assert.Equal("paid-1", both.Headers.GetValues("x-gateway-model-id").Single());
        using (var mixed = await gw.Http.PostAsync("/v1/chat/completions", Body("chat", ",\"tags\":[\"paid\",\"free\"]")))
            Assert.Equal("default-1", mixed.Headers.GetValues("x-gateway-model-id").Single());
        var key = await gw.GenerateAsync("""{"tags":["free"]}""");
        using var byKey = await gw.ChatAsync(key, "chat");
        Assert.Equal("free-1", byKey.Headers.GetValues("x-gateway-model-id").Single());
    }

    [Fact]
    public async Task Health_checks_every_deployment_for_the_master_key_only_in_litellms_shape()
    {
        _paid.Handler = (ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("Incorrect API key provided: sk-upst*****", "invalid_request_error", "invalid_api_key"), 401);
        var env = new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() };
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models("  routing_strategy: least-busy")), env);
        var report = await gw.GetJsonAsync("/health");
        Assert.Equal(1, report.GetProperty("unhealthy_count").GetInt32());
        var sick = Assert.Single(report.GetProperty("unhealthy_endpoints").EnumerateArray());
        Assert.Equal("paid-1", sick.GetProperty("model_id").GetString());
        Assert.Contains("Incorrect API key", sick.GetProperty("error").GetString());
        var healthyIds = report.GetProperty("healthy_endpoints").EnumerateArray().Select(e => e.GetProperty("model_id").GetString()).ToList();
        Assert.Contains("free-1", healthyIds);
        Assert.Contains("default-1", healthyIds);
        Assert.Contains("mock", report.GetProperty("healthy_endpoints").EnumerateArray().Select(e => e.GetProperty("model_name").GetString()));
        Assert.DoesNotContain("sk-upstream-secret-health", report.ToString());
        Assert.Equal(1, JsonDocument.Parse(_free.Last.Body).RootElement.GetProperty("max_tokens").GetInt32());

        var state = await gw.GetJsonAsync("/router/deployments");
        Assert.Equal("least-busy", state.GetProperty("routing_strategy").GetString());
        Assert.Contains(state.GetProperty("data").EnumerateArray(), d => d.GetProperty("id").GetString() == "free-1" && d.GetProperty("available").GetBoolean());

        var key = await gw.GenerateAsync();
        foreach (var path in new[] { "/health", "/router/deployments" })
        {
            var (status, body) = await gw.AsKeyAsync(key, HttpMethod.Get, path);
            Assert.Equal(403, status);
            Assert.Equal("master_key_required", body.GetProperty("error").GetProperty("code").GetString());
        }
    }
}
