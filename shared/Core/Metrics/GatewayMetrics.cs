using System.Text;
using Gateway.Auth;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Routing;

namespace Gateway.Metrics;

/// <summary>
/// The gateway's Prometheus metrics under LiteLLM's names and labels, updated once per settled call from the after-call
/// hook (a few interlocked adds). Labels are bounded: <c>model</c>/<c>requested_model</c> is the resolved, configured
/// group; keys appear as hash and alias only; LiteLLM's free-form <c>end_user</c> and <c>user</c> labels are left empty.
/// </summary>
public sealed class GatewayMetrics(Func<ModelRouter> router, TimeProvider time) : ICallHook
{
    private static readonly string[] CallLabels = ["end_user", "hashed_api_key", "api_key_alias", "model", "team", "team_alias", "user"];
    private static readonly string[] TokenLabels = ["end_user", "hashed_api_key", "api_key_alias", "requested_model", "team", "team_alias", "user", "model"];
    private static readonly string[] ProxyLabels = ["end_user", "hashed_api_key", "api_key_alias", "requested_model", "team", "team_alias", "user", "status_code"];
    private static readonly string[] FailedLabels = ["end_user", "hashed_api_key", "api_key_alias", "requested_model", "team", "team_alias", "user", "exception_status", "exception_class"];
    private static readonly string[] DeploymentLabels = ["litellm_model_name", "model_id", "api_base", "api_provider", "requested_model"];
    private static readonly string[] FallbackLabels = ["requested_model", "fallback_model", "hashed_api_key", "api_key_alias", "team", "team_alias", "exception_status", "exception_class"];
    private static readonly string[] StateLabels = ["litellm_model_name", "model_id", "api_base", "api_provider"];
    private static readonly string[] CooledLabels = ["litellm_model_name", "model_id", "api_base", "api_provider", "exception_status"];
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    public MetricFamily Requests { get; } = new("litellm_requests_metric", "Calls settled, by key, team and model group.", "counter", CallLabels);
    public MetricFamily Spend { get; } = new("litellm_spend_metric", "Spend in USD.", "counter", CallLabels);
    public MetricFamily TotalTokens { get; } = new("litellm_total_tokens_metric", "Input plus output tokens.", "counter", TokenLabels);
    public MetricFamily InputTokens { get; } = new("litellm_input_tokens_metric", "Input tokens.", "counter", TokenLabels);
    public MetricFamily OutputTokens { get; } = new("litellm_output_tokens_metric", "Output tokens.", "counter", TokenLabels);
    public MetricFamily ProxyTotal { get; } = new("litellm_proxy_total_requests_metric", "Admitted calls by status code.", "counter", ProxyLabels);
    public MetricFamily ProxyFailed { get; } = new("litellm_proxy_failed_requests_metric", "Admitted calls that failed.", "counter", FailedLabels);
    public MetricFamily DeploymentSuccess { get; } = new("litellm_deployment_success_responses", "Successful answers from a deployment.", "counter", DeploymentLabels);
    public MetricFamily DeploymentFailure { get; } = new("litellm_deployment_failure_responses", "Failed calls whose last attempt was on a deployment.", "counter", DeploymentLabels);
    public MetricFamily DeploymentTotal { get; } = new("litellm_deployment_total_requests", "Calls settled on a deployment.", "counter", DeploymentLabels);
    public MetricFamily SuccessfulFallbacks { get; } = new("litellm_deployment_successful_fallbacks", "Calls a fallback model group answered.", "counter", FallbackLabels);
    public MetricFamily FailedFallbacks { get; } = new("litellm_deployment_failed_fallbacks", "Calls that failed on a fallback model group.", "counter", FallbackLabels);
    public MetricFamily TotalLatency { get; } = new("litellm_request_total_latency_metric", "Seconds from request to settle.", "histogram", CallLabels, LatencyBuckets);
    public MetricFamily ApiLatency { get; } = new("litellm_llm_api_latency_metric", "Seconds spent waiting on upstreams.", "histogram", CallLabels, LatencyBuckets);
    public MetricFamily OverheadLatency { get; } = new("litellm_overhead_latency_metric", "Seconds the gateway added.", "histogram", CallLabels, LatencyBuckets);
    public MetricFamily TimeToFirstToken { get; } = new("litellm_llm_api_time_to_first_token_metric", "Seconds from request to the first streamed chunk.", "histogram", CallLabels, LatencyBuckets);
    public MetricFamily DeploymentState { get; } = new("litellm_deployment_state", "0 healthy, 1 failures this minute, 2 cooling down (this instance's view).", "gauge", StateLabels);
    public MetricFamily DeploymentCooledDown { get; } = new("litellm_deployment_cooled_down", "Times this instance took a deployment out, by the upstream status that did it.", "counter", CooledLabels);
    public MetricFamily CacheHits { get; } = new("gateway_cache_hits", "Calls answered from the response cache.", "counter", CallLabels);
    public MetricFamily CacheSaved { get; } = new("gateway_cache_saved_spend", "Spend in USD the response cache saved.", "counter", CallLabels);

    private MetricFamily[] All => [Requests, Spend, TotalTokens, InputTokens, OutputTokens, ProxyTotal, ProxyFailed, DeploymentSuccess,
        DeploymentFailure, DeploymentTotal, SuccessfulFallbacks, FailedFallbacks, TotalLatency, ApiLatency, OverheadLatency, TimeToFirstToken, DeploymentState, DeploymentCooledDown, CacheHits, CacheSaved];

    public ValueTask<HookAnswer?> BeforeCallAsync(ModelCall call, CancellationToken ct) => ValueTask.FromResult<HookAnswer?>(null);

    /// <summary>A call refused before admission counts as a failed proxy request; an unresolved model is labelled "" (never the body's string).</summary>
    public void Refused(CallKind kind, CallerIdentity caller, ModelGroup? group, GatewayException error)
    {
        var grant = caller.Grant;
        var hash = caller.KeyHash ?? "";
        var alias = grant?.Key.Alias ?? "";
        var team = grant?.Team?.TeamId ?? "";
        var teamAlias = grant?.Team?.Alias ?? "";
        var model = group?.Name ?? "";
        ProxyTotal.Add(1, ["", hash, alias, model, team, teamAlias, "", Code(error.Status)]);
        ProxyFailed.Add(1, ["", hash, alias, model, team, teamAlias, "", Code(error.Status), error.Type]);
    }

    public ValueTask AfterCallAsync(ModelCall call, CallOutcome outcome, CancellationToken ct)
    {
        var grant = call.Caller.Grant;
        var hash = call.Caller.KeyHash ?? "";
        var alias = grant?.Key.Alias ?? "";
        var team = grant?.Team?.TeamId ?? "";
        var teamAlias = grant?.Team?.Alias ?? "";
        var model = call.Group.Name;
        string[] labels = ["", hash, alias, model, team, teamAlias, ""];
        Requests.Add(1, labels);
        Spend.Add((double)outcome.Cost, labels);
        string[] tokenLabels = ["", hash, alias, model, team, teamAlias, "", model];
        InputTokens.Add(outcome.Usage.PromptTokens, tokenLabels);
        OutputTokens.Add(outcome.Usage.CompletionTokens, tokenLabels);
        TotalTokens.Add(outcome.Usage.PromptTokens + outcome.Usage.CompletionTokens, tokenLabels);
        var status = outcome.Error?.Status ?? 200;
        ProxyTotal.Add(1, ["", hash, alias, model, team, teamAlias, "", Code(status)]);
        if (outcome.Error is { } e) ProxyFailed.Add(1, ["", hash, alias, model, team, teamAlias, "", Code(status), e.Type]);
        if (outcome.AnsweredByHook)
        {
            CacheHits.Add(1, labels);
            CacheSaved.Add((double)(call.Record?.Saved ?? 0m), labels);
        }
        else if (call.Record?.Served is { } d)
        {
            string[] dl = [d.Config.UpstreamModel, d.Config.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), ApiBaseLabel.Of(d.Config.ApiBase), d.Config.Provider, model];
            DeploymentTotal.Add(1, dl);
            (outcome.Succeeded ? DeploymentSuccess : DeploymentFailure).Add(1, dl);
            // The call ended on another group than the one resolved: a fallback (the group names are configured, so bounded).
            if (d.Config.ModelName != model)
                (outcome.Succeeded ? SuccessfulFallbacks : FailedFallbacks).Add(1,
                    [model, d.Config.ModelName, hash, alias, team, teamAlias, outcome.Error is null ? "" : Code(status), outcome.Error?.Type ?? ""]);
        }
        var timing = call.Timing;
        var total = timing.Elapsed.TotalSeconds;
        var api = timing.UpstreamTime.TotalSeconds;
        TotalLatency.Observe(total, labels);
        ApiLatency.Observe(api, labels);
        OverheadLatency.Observe(Math.Max(0, total - api), labels);
        if (call.Request.Stream && !outcome.AnsweredByHook && timing.TimeToFirstChunk is { } first) TimeToFirstToken.Observe(first.TotalSeconds, labels);
        return ValueTask.CompletedTask;
    }

    /// <summary>The router's breakers, read at scrape time: each deployment's state and how often it was taken out.</summary>
    private void ReadBreakers()
    {
        var now = time.GetUtcNow();
        foreach (var g in router().Groups)
            foreach (var d in g.Deployments)
            {
                if (!d.Breaker.Enabled) continue;
                var c = d.Config;
                string[] labels = [c.UpstreamModel, c.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), ApiBaseLabel.Of(c.ApiBase), c.Provider];
                DeploymentState.Set(d.Breaker.State(now), labels);
                foreach (var (status, count) in d.Breaker.TripsByStatus())
                    DeploymentCooledDown.Set(count, [.. labels, Code(status)]);
            }
    }

    private static string Code(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Render()
    {
        ReadBreakers();
        var o = new StringBuilder(4096);
        foreach (var f in All) f.WriteTo(o);
        return o.ToString();
    }
}
