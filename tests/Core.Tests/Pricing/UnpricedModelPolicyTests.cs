using System.ClientModel;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Keys;
using Gateway.Tests.RedTeam;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI.Chat;

namespace Gateway.Tests.Pricing;

/// <summary>
/// <c>general_settings.unpriced_model_policy</c> against a real gateway: a budgeted key, team or user calling a model
/// the gateway cannot price is refused by default (its calls would book $0, so the budget would never bind), served
/// with a warning under <c>warn</c>, and served silently under <c>zero</c>. Callers without a budget are never refused.
/// </summary>
public sealed class UnpricedModelPolicyTests : IAsyncLifetime
{
    private FakeUpstream _up = null!;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync() =>
        _up = await FakeUpstream.StartAsync((ctx, _) => OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion("ok", prompt: 5, completion: 2)));

    public async Task DisposeAsync() => await _up.DisposeAsync();

    private string Models => $"""
          - model_name: {CraftedBodies.Allowed}
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {_up.V1}
              api_key: sk-upstream-key
          - model_name: {CraftedBodies.Unpriced}
            litellm_params:
              model: openai/ft-our-private-model
              api_base: {_up.V1}
              api_key: sk-upstream-key
          - model_name: mixed
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {_up.V1}
              api_key: sk-upstream-key
          - model_name: mixed
            litellm_params:
              model: openai/ft-our-private-model
              api_base: {_up.V1}
              api_key: sk-upstream-key
        """;

    private Task<TestGateway> StartAsync(string? policy = null, ILoggerProvider? logs = null) =>
        TestGateway.StartAsync(
            Yaml.Config(extraModels: Models, extraGeneral: policy is null ? null : $"  unpriced_model_policy: {policy}"),
            new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() },
            logs is null ? null : services => services.AddSingleton(logs));

    [Fact]
    public async Task By_default_a_budgeted_keys_call_to_an_unpriced_model_is_refused_with_how_to_price_it()
    {
        await using var gw = await StartAsync();
        var key = await gw.GenerateAsync("""{"max_budget":1}""");

        // The official SDK raises a 403 (PermissionDeniedError in Python) and does not retry it.
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => gw.OpenAI(key).GetChatClient(CraftedBodies.Unpriced).CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(403, ex.Status);
        using var response = await gw.ChatAsync(key, CraftedBodies.Unpriced);
        var error = await KeyGateway.ErrorOf(response);
        Assert.Equal("model_not_priced", error.GetProperty("code").GetString());
        Assert.Equal("permission_error", error.GetProperty("type").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("'unpriced'", message);
        Assert.Contains("base_model", message);
        Assert.Contains("input_cost_per_token", message);
        Assert.Contains("unpriced_model_policy", message);
        Assert.Empty(_up.Requests);

        // A group with one unpriced deployment could book $0 too; a priced model is served as always.
        using (var mixed = await gw.ChatAsync(key, "mixed")) Assert.Equal(HttpStatusCode.Forbidden, mixed.StatusCode);
        using (var priced = await gw.ChatAsync(key, CraftedBodies.Allowed)) Assert.Equal(HttpStatusCode.OK, priced.StatusCode);
        Assert.Single(_up.Requests);
    }

    [Fact]
    public async Task A_team_or_user_budget_refuses_too_and_no_budget_means_no_refusal()
    {
        await using var gw = await StartAsync();
        var team = (await gw.PostAsync("/team/new", """{"team_alias":"t","max_budget":5}""")).GetProperty("team_id").GetString();
        var teamKey = await gw.GenerateAsync($$"""{"team_id":"{{team}}"}""");
        using (var r = await gw.ChatAsync(teamKey, CraftedBodies.Unpriced))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Contains($"team '{team}'", (await KeyGateway.ErrorOf(r)).GetProperty("message").GetString());
        }

        await gw.PostAsync("/user/new", """{"user_id":"u-budget","max_budget":5}""");
        var userKey = await gw.GenerateAsync("""{"user_id":"u-budget"}""");
        using (var r = await gw.ChatAsync(userKey, CraftedBodies.Unpriced)) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Empty(_up.Requests);

        // Rate limits alone are not a budget: the key is served, and the master key always is.
        var unbudgeted = await gw.GenerateAsync("""{"rpm_limit":100}""");
        using (var r = await gw.ChatAsync(unbudgeted, CraftedBodies.Unpriced)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await gw.ChatAsync(gw.MasterKey!, CraftedBodies.Unpriced)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(2, _up.Requests.Count);
    }

    [Fact]
    public async Task No_crafted_body_gets_a_budgeted_key_to_an_unpriced_model()
    {
        await using var gw = await StartAsync();
        var key = await gw.GenerateAsync($$"""{"models":["{{CraftedBodies.Allowed}}","{{CraftedBodies.Unpriced}}"],"max_budget":1}""");
        var failures = new List<string>();
        foreach (var crafted in CraftedBodies.UnpricedModel())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gw.BaseAddress, crafted.Path)) { Content = new ByteArrayContent(crafted.Body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Authorization = new("Bearer", key);
            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode is < 400 or >= 500 || !HasErrorShape(body)) failures.Add($"{crafted.Name}: HTTP {(int)response.StatusCode}: {body}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Empty(_up.Requests);
        var info = await gw.InfoAsync(key);
        Assert.Equal(0m, info.GetProperty("spend").GetDecimal());
        Assert.Equal(0m, info.GetProperty("reserved_spend").GetDecimal());
    }

    [Fact]
    public async Task Warn_serves_the_call_at_zero_with_a_warning_and_zero_serves_it_silently()
    {
        var logs = new CapturedLogs();
        await using (var gw = await StartAsync("warn", logs))
        {
            var key = await gw.GenerateAsync("""{"max_budget":1,"key_alias":"warned-app"}""");
            using var r = await gw.ChatAsync(key, CraftedBodies.Unpriced);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var events = await gw.SpendEventsAsync(key, 1);
            Assert.Equal(0m, events.Single().GetProperty("spend").GetDecimal());
            var warning = Assert.Single(logs.Warnings, w => w.Contains("has no price"));
            Assert.Contains("'unpriced'", warning);
            Assert.DoesNotContain(key, string.Join("\n", logs.All));
        }

        var quiet = new CapturedLogs();
        await using (var gw = await StartAsync("zero", quiet))
        {
            var key = await gw.GenerateAsync("""{"max_budget":1}""");
            using var r = await gw.ChatAsync(key, CraftedBodies.Unpriced);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.DoesNotContain(quiet.Warnings, w => w.Contains("has no price"));
        }
        Assert.Equal(2, _up.Requests.Count);
    }

    private static bool HasErrorShape(string body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            return root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
                && (e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Every log line the gateway writes, for checking what a policy logs (and that no key leaks into it).</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Text)> _lines = new();
        public IEnumerable<string> All => _lines.Select(l => l.Text);
        public IEnumerable<string> Warnings => _lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Text);
        public ILogger CreateLogger(string categoryName) => new Logger(_lines);
        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<(LogLevel, string)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
