namespace Gateway.Routing.Retries;

/// <summary>
/// The wait before trying the same deployment again: exponential with full jitter (a uniform pick in
/// [0, min(<see cref="Max"/>, <see cref="Base"/>·2^(n-1))]), and never less than the upstream's own
/// <c>retry-after-ms</c> / <c>Retry-After</c>. Another deployment is tried at once.
/// </summary>
public static class Backoff
{
    public static readonly TimeSpan Base = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(8);

    /// <param name="retry">1 for the first retry.</param>
    /// <param name="upstreamAsked">What the upstream asked for, if anything.</param>
    public static TimeSpan Delay(int retry, TimeSpan? upstreamAsked, IRandomSource random)
    {
        var ceiling = Ceiling(retry);
        var jitter = TimeSpan.FromTicks((long)(random.NextDouble() * ceiling.Ticks));
        return upstreamAsked is { } asked && asked > jitter ? asked : jitter;
    }

    /// <summary>The upper bound of the jittered part of retry <paramref name="retry"/>.</summary>
    public static TimeSpan Ceiling(int retry)
    {
        var ticks = Base.Ticks * Math.Pow(2, Math.Min(Math.Max(retry, 1) - 1, 16));
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }
}
