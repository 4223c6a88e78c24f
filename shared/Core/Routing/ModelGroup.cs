namespace Gateway.Routing;

/// <summary>
/// The deployments behind one public model name. Picks them by weighted random choice (LiteLLM's
/// "simple-shuffle": <c>weight</c>, else <c>rpm</c>, else equal), and yields the others as failover order.
/// </summary>
public sealed class ModelGroup(string name, IReadOnlyList<Deployment> deployments)
{
    private readonly double[] _weights = deployments.Select(d => d.Config.EffectiveWeight).ToArray();
    private readonly double _total = deployments.Sum(d => d.Config.EffectiveWeight);

    public string Name => name;

    /// <summary>Request defaults and dropped fields of this name, applied before admission (see <see cref="Pipeline.RequestDefaults"/>).</summary>
    public Pipeline.RequestDefaults Defaults { get; } = Pipeline.RequestDefaults.For(deployments[0].Config);

    /// <summary>The field a lowered output cap is added as when the client set none (see <see cref="Pipeline.OutputCap"/>).</summary>
    public string OutputCapField { get; } = deployments.Any(d => Pipeline.OutputCap.TakesCompletionTokens(d.Config.UpstreamModel)) ? "max_completion_tokens" : "max_tokens";

    /// <summary>How many attempts a call gets: the largest <c>max_retries</c> + 1, and at least one per deployment.</summary>
    public int Attempts { get; } = Math.Max(deployments.Count, 1 + deployments.Max(d => d.Config.MaxRetries));
    public IReadOnlyList<Deployment> Deployments => deployments;

    /// <summary>Attempt order: a weighted pick first, then the rest round-robin, as often as retries allow.</summary>
    public IEnumerable<Deployment> AttemptOrder(int attempts)
    {
        var first = Pick();
        for (var i = 0; i < attempts; i++)
            yield return deployments[(first + i) % deployments.Count];
    }

    private int Pick()
    {
        if (deployments.Count == 1) return 0;
        var x = Random.Shared.NextDouble() * _total;
        for (var i = 0; i < _weights.Length; i++)
        {
            x -= _weights[i];
            if (x < 0) return i;
        }
        return _weights.Length - 1;
    }
}
