using Gateway.Routing.Failures;

namespace Gateway.Routing.Retries;

/// <summary><c>num_retries</c> and <c>retry_policy</c> (retries per failure class, by LiteLLM's key names).</summary>
public sealed record RetrySettings
{
    /// <summary><c>num_retries</c>; null: each group retries once per other deployment, or its largest <c>max_retries</c>.</summary>
    public int? NumRetries { get; init; }

    /// <summary><c>retry_policy</c>, by class; a class not listed uses its default.</summary>
    public IReadOnlyDictionary<FailureClass, int> PerClass { get; init; } = new Dictionary<FailureClass, int>();

    /// <summary>LiteLLM's <c>retry_policy</c> keys and the classes each one covers.</summary>
    public static readonly IReadOnlyDictionary<string, FailureClass[]> PolicyKeys = new Dictionary<string, FailureClass[]>
    {
        ["AuthenticationErrorRetries"] = [FailureClass.Credential],
        ["TimeoutErrorRetries"] = [FailureClass.Timeout],
        ["RateLimitErrorRetries"] = [FailureClass.RateLimit, FailureClass.Quota],
        ["ContentPolicyViolationErrorRetries"] = [FailureClass.ContentPolicy],
        ["InternalServerErrorRetries"] = [FailureClass.Transient],
        ["BadRequestErrorRetries"] = [FailureClass.CallerFault],
    };
}
