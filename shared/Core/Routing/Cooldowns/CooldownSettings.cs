using Gateway.Routing.Failures;

namespace Gateway.Routing.Cooldowns;

/// <summary><c>allowed_fails</c>, <c>allowed_fails_policy</c>, <c>cooldown_time</c>, <c>disable_cooldowns</c>.</summary>
public sealed record CooldownSettings
{
    /// <summary>LiteLLM's default: a deployment may fail 3 times in a minute; the 4th failure takes it out.</summary>
    public int AllowedFails { get; init; } = 3;

    public IReadOnlyDictionary<FailureClass, int> AllowedFailsPerClass { get; init; } = new Dictionary<FailureClass, int>();

    /// <summary>LiteLLM's default 5 s.</summary>
    public TimeSpan CooldownTime { get; init; } = TimeSpan.FromSeconds(5);

    public bool Disabled { get; init; }

    /// <summary>LiteLLM's <c>allowed_fails_policy</c> keys and the classes each one covers.</summary>
    public static readonly IReadOnlyDictionary<string, FailureClass[]> PolicyKeys = new Dictionary<string, FailureClass[]>
    {
        ["BadRequestErrorAllowedFails"] = [FailureClass.CallerFault],
        ["AuthenticationErrorAllowedFails"] = [FailureClass.Credential],
        ["TimeoutErrorAllowedFails"] = [FailureClass.Timeout],
        ["RateLimitErrorAllowedFails"] = [FailureClass.RateLimit, FailureClass.Quota],
        ["ContentPolicyViolationErrorAllowedFails"] = [FailureClass.ContentPolicy],
        ["InternalServerErrorAllowedFails"] = [FailureClass.Transient],
    };
}
