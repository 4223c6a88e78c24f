using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Budgets;
using Gateway.Tests.Keys;
using Microsoft.AspNetCore.Http;
using Gateway.Tests.RedTeam;
using Gateway.Tests.Support;

namespace Gateway.Tests.Metrics;

/// <summary>
/// <c>GET /metrics</c> over a real gateway and a loopback OpenAI-format upstream: the counters match the calls the test
/// made, the text parses strictly, the endpoint's auth rules hold, and crafted bodies cannot mint new series.
/// </summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private BudgetUpstream _up = null!;

    public async Task InitializeAsync() => _up = await BudgetUpstream.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task After_successes_upstream_errors_and_budget_rejections_the_counters_equal_the_calls_made()
    {
        await using var gw = await _up.GatewayAsync("  max_budget: 0.02");
        var served = _up.Honest.Handler;
        int ok = 0, failed = 0, rejected = 0;
        long input = 0, output = 0;
        decimal cost = 0m;
        var failedStatuses = new Dictionary<string, int>();

        async Task<bool> CallAsync()
        {
            using var r = await gw.CallAsync(gw.MasterKey!, "capped");
            if (r.StatusCode == HttpStatusCode.OK)
            {
                var usage = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");
                input += usage.GetProperty("prompt_tokens").GetInt64();
                output += usage.GetProperty("completion_tokens").GetInt64();
                cost += decimal.Parse(r.Headers.GetValues("x-gateway-response-cost").Single(), CultureInfo.InvariantCulture);
                ok++;
                return true;
            }
            var code = (int)r.StatusCode;
            if ((await r.Content.ReadAsStringAsync()).Contains("max_budget")) rejected++;
            else
            {
                failed++;
                failedStatuses[code.ToString(CultureInfo.InvariantCulture)] = failedStatuses.GetValueOrDefault(code.ToString(CultureInfo.InvariantCulture)) + 1;
            }
            return false;
        }

        for (var i = 0; i < 2; i++) Assert.True(await CallAsync());
        _up.Honest.Handler = async (ctx, _) =>
        {
            ctx.Response.StatusCode = 500;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"error":{"message":"upstream broke","type":"server_error","param":null,"code":null}}""");
        };
        for (var i = 0; i < 3; i++) Assert.False(await CallAsync());
        _up.Honest.Handler = served;
        for (var i = 0; i < 50 && rejected < 2; i++) await CallAsync();
        Assert.Equal(2, rejected);
        Assert.Equal(3, failed);
        Assert.True(ok >= 3);

        var m = PrometheusText.Parse(await ScrapeAsync(gw, key: null));
        var settled = ok + failed;
        Assert.Equal(settled, m.Sum("litellm_requests_metric_total"));
        // Budget refusals happen before admission: counted as proxy requests that failed, on no deployment.
        Assert.Equal(settled + rejected, m.Sum("litellm_proxy_total_requests_metric_total"));
        Assert.Equal(ok, m.Sum("litellm_proxy_total_requests_metric_total", s => s.Labels["status_code"] == "200"));
        Assert.Equal(failed + rejected, m.Sum("litellm_proxy_failed_requests_metric_total"));
        Assert.Equal(rejected, m.Sum("litellm_proxy_failed_requests_metric_total", s => s.Labels["exception_class"] == "budget_exceeded"));
        foreach (var (code, n) in failedStatuses)
            Assert.Equal(n, m.Sum("litellm_proxy_failed_requests_metric_total", s => s.Labels["exception_status"] == code && s.Labels["exception_class"] != "budget_exceeded"));
        Assert.Equal(input, m.Sum("litellm_input_tokens_metric_total"));
        Assert.Equal(output, m.Sum("litellm_output_tokens_metric_total"));
        Assert.Equal(input + output, m.Sum("litellm_total_tokens_metric_total"));
        Assert.Equal((double)cost, m.Sum("litellm_spend_metric_total"), 6);
        Assert.Equal(settled, m.Sum("litellm_deployment_total_requests_total"));
        Assert.Equal(ok, m.Sum("litellm_deployment_success_responses_total"));
        Assert.Equal(failed, m.Sum("litellm_deployment_failure_responses_total"));
        foreach (var h in new[] { "litellm_request_total_latency_metric", "litellm_llm_api_latency_metric", "litellm_overhead_latency_metric" })
            Assert.Equal(settled, m.Sum(h + "_count"));
        Assert.All(m.Of("litellm_requests_metric_total"), s => Assert.Equal("capped", s.Labels["model"]));
        Assert.All(m.Of("litellm_deployment_total_requests_total"), s => Assert.Equal("openai", s.Labels["api_provider"]));
    }

    [Fact]
    public async Task A_fallback_that_answers_and_one_that_fails_are_each_counted_once()
    {
        var yaml = Yaml.Config(extraModels: _up.Models) + "\nrouter_settings:\n  fallbacks: [{\"capped\": [\"ignoring\"]}]\n";
        await using var gw = await TestGateway.StartAsync(yaml, new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() });
        var broken = new Func<HttpContext, RecordedRequest, Task>(async (ctx, _) =>
        {
            ctx.Response.StatusCode = 500;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"error":{"message":"upstream broke","type":"server_error","param":null,"code":null}}""");
        });
        var ignoring = _up.Ignoring.Handler;
        _up.Honest.Handler = broken;
        using (var r = await gw.CallAsync(gw.MasterKey!, "capped")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        _up.Ignoring.Handler = broken;
        using (var r = await gw.CallAsync(gw.MasterKey!, "capped")) Assert.NotEqual(HttpStatusCode.OK, r.StatusCode);
        _up.Ignoring.Handler = ignoring;

        var m = PrometheusText.Parse(await ScrapeAsync(gw, key: null));
        var ok = Assert.Single(m.Of("litellm_deployment_successful_fallbacks_total"));
        Assert.Equal(1, ok.Value);
        Assert.Equal(("capped", "ignoring"), (ok.Labels["requested_model"], ok.Labels["fallback_model"]));
        var failed = Assert.Single(m.Of("litellm_deployment_failed_fallbacks_total"));
        Assert.Equal(1, failed.Value);
        Assert.Equal("ignoring", failed.Labels["fallback_model"]);
        Assert.NotEqual("", failed.Labels["exception_class"]);
    }

    [Fact]
    public async Task Crafted_models_and_users_create_no_series_beyond_the_configured_groups()
    {
        await using var gw = await _up.GatewayAsync();
        var bodies = CraftedBodies.MetricLabelFloods("capped").ToList();
        foreach (var crafted in bodies)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gw.BaseAddress, crafted.Path)) { Content = new ByteArrayContent(crafted.Body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Authorization = new("Bearer", gw.MasterKey);
            using var r = await Http.SendAsync(request);
            Assert.True((int)r.StatusCode < 500, $"{crafted.Name}: {r.StatusCode}");
        }
        var text = await ScrapeAsync(gw, key: null);
        var m = PrometheusText.Parse(text);
        Assert.DoesNotContain("fake_metric", text.Split('\n').Select(l => l.Split('{')[0]));
        var series = m.Samples.Where(s => !s.Name.EndsWith("_bucket", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(series);
        Assert.All(series.Where(s => s.Labels.ContainsKey("model")), s => Assert.Equal("capped", s.Labels["model"]));
        // A refused crafted model is counted under "" (unresolved), never under the body's string.
        Assert.All(series.Where(s => s.Labels.ContainsKey("requested_model")), s => Assert.Contains(s.Labels["requested_model"], new[] { "capped", "" }));
        Assert.All(series.Where(s => s.Labels.ContainsKey("end_user")), s => Assert.Equal("", s.Labels["end_user"]));
        Assert.Single(m.Of("litellm_requests_metric_total"));
        Assert.Equal(5, m.Sum("litellm_requests_metric_total"));
    }

    [Fact]
    public async Task Metrics_are_open_on_loopback_and_need_the_master_key_when_required()
    {
        await using (var open = await _up.GatewayAsync())
            Assert.Contains("# TYPE litellm_requests_metric_total counter", await ScrapeAsync(open, key: null));

        var yaml = Yaml.Config(extraModels: _up.Models, extraGeneral: "  require_auth_for_metrics_endpoint: true");
        await using var gw = await TestGateway.StartAsync(yaml, new Dictionary<string, string> { ["GATEWAY_SQLITE_PATH"] = KeyGateway.NewStorePath() });
        var key = await gw.GenerateAsync();
        foreach (var who in new string?[] { null, key })
        {
            using var refused = await GetAsync(gw, who);
            Assert.True(refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{refused.StatusCode}");
            var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.True(error.TryGetProperty("type", out _));
        }
        using var allowed = await GetAsync(gw, gw.MasterKey);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.StartsWith("text/plain", allowed.Content.Headers.ContentType!.ToString());
        PrometheusText.Parse(await allowed.Content.ReadAsStringAsync());
    }

    private static async Task<string> ScrapeAsync(TestGateway gw, string? key)
    {
        using var r = await GetAsync(gw, key);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return await r.Content.ReadAsStringAsync();
    }

    private static Task<HttpResponseMessage> GetAsync(TestGateway gw, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gw.BaseAddress, "/metrics"));
        if (key is not null) request.Headers.Authorization = new("Bearer", key);
        return Http.SendAsync(request);
    }
}
