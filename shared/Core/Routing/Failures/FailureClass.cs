namespace Gateway.Routing.Failures;

/// <summary>
/// What kind of failure an upstream call met, decided once per error (<see cref="FailureClassifier"/>). Retries,
/// cooldowns, fallbacks and the spend event all read this, never the status code or the provider's own words.
/// </summary>
public enum FailureClass
{
    /// <summary>The request itself is wrong (400, 404, 422, ...): no other attempt would answer it differently.</summary>
    CallerFault,
    /// <summary>The gateway's provider credential was refused (401, 403).</summary>
    Credential,
    /// <summary>The upstream is throttling (429 and its provider spellings).</summary>
    RateLimit,
    /// <summary>The provider account is out of quota or credit: waiting a few seconds does not help.</summary>
    Quota,
    /// <summary>No answer in time (408, 504, the deployment's timeout).</summary>
    Timeout,
    /// <summary>The upstream or the way to it failed (5xx, 529, connection trouble).</summary>
    Transient,
    /// <summary>The prompt is longer than the model's context window.</summary>
    ContextWindow,
    /// <summary>The provider refused the content (moderation, safety filters).</summary>
    ContentPolicy,
}

/// <summary>The classes' wire names, as the spend event and <c>/router/deployments</c> show them.</summary>
public static class FailureClasses
{
    public static string Name(this FailureClass c) => c switch
    {
        FailureClass.CallerFault => "caller_fault",
        FailureClass.Credential => "credential",
        FailureClass.RateLimit => "rate_limit",
        FailureClass.Quota => "quota",
        FailureClass.Timeout => "timeout",
        FailureClass.Transient => "transient",
        FailureClass.ContextWindow => "context_window",
        _ => "content_policy",
    };

    public static readonly FailureClass[] All = Enum.GetValues<FailureClass>();
}
