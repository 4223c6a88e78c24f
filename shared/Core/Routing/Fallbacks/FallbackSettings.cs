namespace Gateway.Routing.Fallbacks;

/// <summary><c>fallbacks</c>, <c>context_window_fallbacks</c>, <c>content_policy_fallbacks</c>, <c>default_fallbacks</c>, <c>max_fallbacks</c>.</summary>
public sealed record FallbackSettings
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> None = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>For retryable failures (and credential or quota ones) once the group's own retries are spent.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Generic { get; init; } = None;
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ContextWindow { get; init; } = None;
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ContentPolicy { get; init; } = None;

    /// <summary>Used by groups without <c>fallbacks</c> of their own.</summary>
    public IReadOnlyList<string> Default { get; init; } = [];

    /// <summary>LiteLLM's default: at most 5 fallback groups per call.</summary>
    public int MaxFallbacks { get; init; } = 5;
}
