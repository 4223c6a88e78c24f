using Gateway.Http;
using Gateway.Routing.Failures;

namespace Gateway.Routing.Retries;

/// <summary>
/// How many times one model group's call may be tried again after a failure of each class: <c>retry_policy</c> when
/// it names the class, else <c>num_retries</c> for rate limits, timeouts and transient failures, and none for the rest
/// (a context-window, content-policy, quota, credential or caller fault answers the same on the next try).
/// </summary>
public sealed class RetryPolicy(RetrySettings settings, int groupDefault)
{
    /// <summary>The retries a call to the group may spend after <paramref name="e"/>.</summary>
    public int RetriesFor(GatewayException e)
    {
        var c = e.Failure;
        if (c == FailureClass.ContextWindow) return 0;
        if (settings.PerClass.TryGetValue(c, out var n)) return n;
        if (c is FailureClass.RateLimit or FailureClass.Timeout || (c == FailureClass.Transient && e.Retryable))
            return settings.NumRetries ?? groupDefault;
        return 0;
    }
}
