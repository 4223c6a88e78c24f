using System.Net;
using Gateway.Routing;
using Gateway.Routing.Fallbacks;
using Gateway.Routing.Strategies;
using Gateway.Tests.Support;
using static Gateway.Tests.Routing.CooldownEndToEndTests;
using static Gateway.Tests.Routing.RoutingFixture;

namespace Gateway.Tests.Routing;

/// <summary>Fallbacks chain as LiteLLM's do: a fallback group that fails goes on to its own fallbacks, depth first, each group once.</summary>
public sealed class FallbackChainTests
{
    private static readonly Dictionary<string, ModelGroup> Groups = new[] { "a", "b", "c", "d" }
        .ToDictionary(n => n, n => new ModelGroup(n, [Deployment(n + "-1", group: n)], new SimpleShuffleStrategy(new Sequence(0.1)), new RouterSettings()));

    private static string Walk(Dictionary<string, string[]> map, Func<ModelGroup, bool>? admit = null, int max = 5) =>
        string.Join(",", FallbackChain.Walk(Groups["a"], map.GetValueOrDefault("a"), n => map.GetValueOrDefault(n),
            n => Groups.GetValueOrDefault(n), admit ?? (_ => true), max).Select(g => g.Name));

    [Fact]
    public void A_fallback_groups_own_fallbacks_come_before_its_next_sibling()
    {
        Assert.Equal("b,c,d", Walk(new() { ["a"] = ["b", "d"], ["b"] = ["c"] }));
    }

    [Fact]
    public void Each_group_is_tried_once_and_a_loop_back_to_the_failing_group_is_not_followed()
    {
        Assert.Equal("b,c", Walk(new() { ["a"] = ["b", "c"], ["b"] = ["a", "c"], ["c"] = ["b", "a"] }));
    }

    [Fact]
    public void Max_fallbacks_bounds_the_whole_walk_and_unknown_names_are_skipped()
    {
        Assert.Equal("b,c", Walk(new() { ["a"] = ["nope", "b"], ["b"] = ["c"], ["c"] = ["d"] }, max: 2));
        Assert.Equal("", Walk(new() { ["a"] = ["b"] }, max: 0));
    }

    [Fact]
    public void A_group_the_caller_may_not_reach_is_left_out_with_everything_behind_it()
    {
        Assert.Equal("d", Walk(new() { ["a"] = ["b", "d"], ["b"] = ["c"] }, admit: g => g.Name != "b"));
    }

    [Fact]
    public async Task Through_the_gateway_a_call_walks_a_to_b_to_c_and_the_event_names_every_deployment_tried()
    {
        await using var a = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("down", "server_error", null), 500));
        await using var b = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("down", "server_error", null), 503));
        await using var c = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("from c")));
        string Models(string extra) => $$"""
              - model_name: a
                litellm_params: { model: openai/gpt-4o-mini, api_base: "{{a.V1}}", api_key: sk-upstream }
                model_info: { id: a-1 }
              - model_name: b
                litellm_params: { model: openai/gpt-4o-mini, api_base: "{{b.V1}}", api_key: sk-upstream }
                model_info: { id: b-1 }
              - model_name: c
                litellm_params: { model: openai/gpt-4o-mini, api_base: "{{c.V1}}", api_key: sk-upstream }
                model_info: { id: c-1 }
            router_settings:
              num_retries: 0
              fallbacks: [{"a": ["b"]}, {"b": ["c", "a"]}]
              {{extra}}
            """;

        await using (var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models(""))))
        {
            using var r = await gw.Http.PostAsync("/v1/chat/completions", Body("a"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("from c", await r.Content.ReadAsStringAsync());
            Assert.Equal("c-1", r.Headers.GetValues("x-gateway-model-id").Single());
            Assert.Equal("3", r.Headers.GetValues("x-gateway-attempts").Single());
        }
        Assert.Single(a.Requests); // b's fallback back to a is not followed
        Assert.Single(b.Requests);
        Assert.Single(c.Requests);

        await using (var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: Models("max_fallbacks: 1"))))
        {
            using var r = await gw.Http.PostAsync("/v1/chat/completions", Body("a"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode); // b's error, the last tried
        }
        Assert.Equal(2, b.Requests.Count);
        Assert.Single(c.Requests); // beyond max_fallbacks
    }
}
