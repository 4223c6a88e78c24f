using System.Globalization;
using Gateway.Http;
using Gateway.Routing.Cooldowns;
using Gateway.Routing.Failures;
using Gateway.Routing.Retries;

namespace Gateway.Routing;

/// <summary>
/// Runs one call along its <see cref="RoutePlan"/>: the group's deployments by strategy, retries by the failure's class
/// (another deployment at once, the same one after a jittered backoff that honours the upstream's wait), then the
/// fallback groups for that class, each with its own retries. Nothing is retried after an attempt has returned: a
/// stream whose first byte went out is never tried again. No wait runs past the call's deadline.
/// </summary>
public sealed class RouteRunner(TimeProvider time, IRandomSource random, ICooldownBoard board, int maxFallbacks)
{
    public async Task<T> RunAsync<T>(RoutePlan plan, RouteTrace trace, Func<Deployment, Task<T>> attempt, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + plan.Group.Timeout;
        GatewayException error;
        if (plan.MockFailure is { } mock) error = mock;
        else
        {
            try
            {
                return await RunGroupAsync(plan.Group, plan.First, plan.Stream, trace, attempt, deadline, ct);
            }
            catch (GatewayException e) when (e.Failure != FailureClass.CallerFault)
            {
                error = e;
            }
        }
        var fallbacks = plan.FallbacksFor(error.Failure);
        for (var i = 0; i < fallbacks.Count && i < maxFallbacks; i++)
        {
            if (time.GetUtcNow() >= deadline) break;
            var (group, choice) = fallbacks[i];
            try
            {
                return await RunGroupAsync(group, choice, plan.Stream, trace, attempt, deadline, ct);
            }
            catch (GatewayException e) when (e.Failure != FailureClass.CallerFault || e.Code == "no_deployment_for_tags")
            {
                error = e;
            }
        }
        throw error;
    }

    private async Task<T> RunGroupAsync<T>(ModelGroup group, GroupChoice choice, bool stream, RouteTrace trace, Func<Deployment, Task<T>> attempt,
        DateTimeOffset deadline, CancellationToken ct)
    {
        var tried = new List<Deployment>(2);
        var retries = 0;
        while (true)
        {
            var now = time.GetUtcNow();
            var d = DeploymentSelector.Select(group, choice, tried, now) ?? throw AllOut(group, choice, now);
            if (!d.Breaker.TryEnter(now)) continue; // a concurrent call took its half-open trial: pick again
            trace.Attempting(d);
            // The attempt's span is the current one while it runs, so the upstream request carries its traceparent.
            using var span = Telemetry.AttemptSpans.Start(d, retries);
            d.Load.Started();
            d.Load.CountRequest(now);
            var started = time.GetTimestamp();
            try
            {
                var result = await attempt(d);
                d.Breaker.Succeeded(time.GetUtcNow());
                trace.Serving(d, started, stream);
                return result;
            }
            catch (GatewayException e)
            {
                Telemetry.AttemptSpans.Failed(span, e);
                d.Load.Ended();
                var failedAt = time.GetUtcNow();
                if (d.Breaker.Failed(e, failedAt) is { } until) board.Publish(d, until);
                if (!tried.Contains(d)) tried.Add(d);
                if (retries >= group.Retries.RetriesFor(e) || failedAt >= deadline) throw;
                retries++;
                // Another deployment is tried at once; only the same one again waits.
                if (!DeploymentSelector.HasUntried(group, choice, tried, failedAt))
                {
                    var delay = Backoff.Delay(retries, e.RetryDelay, random);
                    if (failedAt + delay >= deadline) throw;
                    if (delay > TimeSpan.Zero) await Task.Delay(delay, time, ct);
                }
            }
            catch
            {
                d.Load.Ended();
                d.Breaker.Abandoned();
                throw;
            }
        }
    }

    /// <summary>Every deployment the call may use is cooling down: a 503 saying when the first comes back.</summary>
    private static GatewayException AllOut(ModelGroup group, GroupChoice choice, DateTimeOffset now)
    {
        if (choice.PromptTokens is { } tokens && DeploymentSelector.NoneFits(group, choice, tokens))
            return new GatewayException(400, Errors.InvalidRequest,
                $"The prompt (about {tokens} tokens) exceeds model_info.max_input_tokens of every deployment of '{group.Name}'.", "context_length_exceeded", "messages");
        var back = group.Deployments.Select(d => d.Breaker.CooldownUntil).Where(u => u is not null).Min();
        if (back is null)
            return new GatewayException(429, "rate_limit_error",
                $"Every deployment of the model '{group.Name}' is at its rpm or tpm for this minute.", "no_deployment_available")
            {
                RetryAfter = Math.Max(1, 60 - now.Second).ToString(CultureInfo.InvariantCulture),
                Retryable = false,
            };
        var seconds = back is { } b ? Math.Max(1, (int)Math.Ceiling((b - now).TotalSeconds)) : 1;
        return new GatewayException(503, "api_error",
            $"No deployment of the model '{group.Name}' is available: all are cooling down after failures (router_settings.cooldown_time).", "no_deployment_available")
        {
            RetryAfter = seconds.ToString(CultureInfo.InvariantCulture),
            Retryable = false,
        };
    }
}
