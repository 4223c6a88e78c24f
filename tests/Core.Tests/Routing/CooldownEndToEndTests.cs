using System.ClientModel;
using Gateway.Routing;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using static Gateway.Tests.Routing.RoutingFixture;

namespace Gateway.Tests.Routing;

/// <summary>A deployment answering 500 is taken out of its group, through the whole gateway and the official OpenAI SDK.</summary>
public sealed class CooldownEndToEndTests
{
    [Fact]
    public async Task A_failing_deployment_gets_no_call_during_its_cooldown_then_exactly_one_trial()
    {
        await using var good = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("fine")));
        await using var bad = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("down", "server_error", null), 500));
        var clock = TestClock.TenSecondsIntoAMinute();
        var models = $"""
              - model_name: pair
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_base: {good.V1}
                  api_key: sk-upstream
                model_info:
                  id: good
              - model_name: pair
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_base: {bad.V1}
                  api_key: sk-upstream
                model_info:
                  id: bad
            router_settings:
              allowed_fails: 3
              cooldown_time: 5
            """;
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: models), services: s =>
        {
            TestClock.Use(clock)(s);
            s.AddSingleton<IRandomSource>(new Seeded(11));
        });
        var chat = gw.OpenAI().GetChatClient("pair");

        for (var i = 0; i < 1_000; i++)
        {
            ChatCompletion answer = await chat.CompleteChatAsync([new UserChatMessage("hi")]);
            Assert.Equal("fine", answer.Content[0].Text);
        }
        // allowed_fails 3: the 4th failure within the minute took it out, and the clock has not moved since.
        Assert.Equal(4, bad.Requests.Count);
        Assert.Equal(1_000, good.Requests.Count);

        clock.Advance(TimeSpan.FromSeconds(4.9));
        for (var i = 0; i < 100; i++) await chat.CompleteChatAsync([new UserChatMessage("hi")]);
        Assert.Equal(4, bad.Requests.Count);

        clock.Advance(TimeSpan.FromSeconds(0.1)); // the cooldown is over: one trial, which fails and opens it again
        for (var i = 0; i < 100; i++) await chat.CompleteChatAsync([new UserChatMessage("hi")]);
        Assert.Equal(5, bad.Requests.Count);

        var state = await gw.Http.GetStringAsync("/router/deployments");
        Assert.Contains("\"id\":\"bad\"", state);
        Assert.Contains("\"cooldown_until\":\"2026-06-15T09:26:20", state);
    }

    [Fact]
    public async Task When_every_deployment_is_cooling_down_the_call_gets_a_503_with_retry_after()
    {
        await using var bad = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("down", "server_error", null), 500));
        var clock = TestClock.TenSecondsIntoAMinute();
        var models = $$"""
              - model_name: pair
                litellm_params: { model: openai/gpt-4o-mini, api_base: "{{bad.V1}}/a", api_key: sk-upstream }
              - model_name: pair
                litellm_params: { model: openai/gpt-4o-mini, api_base: "{{bad.V1}}/b", api_key: sk-upstream }
            router_settings:
              allowed_fails: 0
              cooldown_time: 30
              num_retries: 1
            """;
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: models), services: TestClock.Use(clock));
        using (var first = await gw.Http.PostAsync("/v1/chat/completions", Body("pair")))
            Assert.Equal(500, (int)first.StatusCode); // both tried once, both now out
        Assert.Equal(2, bad.Requests.Count);
        using var second = await gw.Http.PostAsync("/v1/chat/completions", Body("pair"));
        Assert.Equal(503, (int)second.StatusCode);
        Assert.Equal("30", second.Headers.GetValues("Retry-After").Single());
        Assert.Contains("no_deployment_available", await second.Content.ReadAsStringAsync());
        Assert.Equal(2, bad.Requests.Count);
    }

    [Fact]
    public async Task A_group_of_one_is_never_cooled()
    {
        var calls = 0;
        await using var up = await FakeUpstream.StartAsync((ctx, _) => Interlocked.Increment(ref calls) <= 10
            ? OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Error("down", "server_error", null), 500)
            : OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("back")));
        var models = $$"""
              - model_name: solo
                litellm_params: { model: openai/gpt-4o-mini, api_base: "{{up.V1}}", api_key: sk-upstream }
            router_settings:
              allowed_fails: 0
              num_retries: 0
            """;
        await using var gw = await TestGateway.StartAsync(Yaml.Config(extraModels: models));
        for (var i = 0; i < 10; i++)
        {
            using var r = await gw.Http.PostAsync("/v1/chat/completions", Body("solo"));
            Assert.Equal(500, (int)r.StatusCode);
        }
        using var ok = await gw.Http.PostAsync("/v1/chat/completions", Body("solo"));
        Assert.Equal(200, (int)ok.StatusCode);
    }

    internal static StringContent Body(string model, string extra = "") =>
        new($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]{{extra}}}""", System.Text.Encoding.UTF8, "application/json");
}
