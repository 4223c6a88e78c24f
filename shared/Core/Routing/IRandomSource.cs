namespace Gateway.Routing;

/// <summary>The router's randomness (weighted picks, ties, backoff jitter), injected so tests can fix it.</summary>
public interface IRandomSource
{
    /// <summary>A number in [0, 1).</summary>
    double NextDouble();
}

/// <summary>The shared thread-safe generator.</summary>
public sealed class SystemRandomSource : IRandomSource
{
    public static readonly SystemRandomSource Instance = new();

    public double NextDouble() => Random.Shared.NextDouble();
}
