using Gateway.Routing.Cooldowns;
using Gateway.Routing.Retries;
using Gateway.Routing.Strategies;

namespace Gateway.Routing;

/// <summary>
/// The deployments behind one public model name, in priority tiers by <c>order</c> (lower first; deployments without
/// one come last), with the router's strategy and the group's retry policy.
/// </summary>
public sealed class ModelGroup
{
    public ModelGroup(string name, IReadOnlyList<Deployment> deployments, IRoutingStrategy strategy, RouterSettings settings)
    {
        Name = name;
        Deployments = deployments;
        Strategy = strategy;
        Defaults = Pipeline.RequestDefaults.For(deployments[0].Config);
        Tiers = deployments.GroupBy(d => d.Config.Order ?? int.MaxValue).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        // A group of one is never cooled: there is nothing to send its traffic to instead.
        var cooled = deployments.Count > 1 && !settings.Cooldowns.Disabled;
        foreach (var d in deployments)
        {
            d.Breaker = cooled ? new CircuitBreaker(settings.Cooldowns) : CircuitBreaker.Disabled;
            if (settings.Latency.MaxSamples != DeploymentLoad.DefaultLatencySamples) d.Load.SizeLatencyWindow(settings.Latency.MaxSamples);
        }
        // Without num_retries: once per other deployment, or the largest max_retries, as before the router had settings.
        Retries = new RetryPolicy(settings.Retries, Math.Max(deployments.Count - 1, deployments.Max(d => d.Config.MaxRetries)));
        Timeout = settings.Timeout ?? deployments.Max(d => d.Config.Timeout);
        OutputCapField = deployments.Any(d => Pipeline.OutputCap.TakesCompletionTokens(d.Config.UpstreamModel)) ? "max_completion_tokens" : "max_tokens";
    }

    public string Name { get; }
    public IReadOnlyList<Deployment> Deployments { get; }
    public IRoutingStrategy Strategy { get; }
    public RetryPolicy Retries { get; }

    /// <summary>How long a call to this group may take in all, retries included.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Request defaults and dropped fields of this name, applied before admission (see <see cref="Pipeline.RequestDefaults"/>).</summary>
    public Pipeline.RequestDefaults Defaults { get; }

    /// <summary>Deployments by <c>order</c>, lowest first.</summary>
    internal Deployment[][] Tiers { get; }

    /// <summary>The field a lowered output cap is added as when the client set none (see <see cref="Pipeline.OutputCap"/>).</summary>
    public string OutputCapField { get; }
}
