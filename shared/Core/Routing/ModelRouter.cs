using Gateway.Config;
using Gateway.Http;
using Gateway.Providers;

namespace Gateway.Routing;

/// <summary>
/// Resolves a requested model name to its group and runs an operation with retries: on a retryable failure
/// (connection trouble, timeout, 408/429/5xx) the next deployment in the group is tried, up to the picked
/// deployment's <c>max_retries</c>, or once per deployment when a group has several. Nothing is retried once a
/// response has started.
/// </summary>
public sealed class ModelRouter
{
    private readonly Dictionary<string, ModelGroup> _groups;

    public ModelRouter(GatewayConfig config, ProviderFactory factory)
    {
        _groups = config.Deployments
            .GroupBy(d => d.ModelName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new ModelGroup(g.Key, g.Select(factory.Create).ToArray()), StringComparer.Ordinal);
    }

    public IEnumerable<ModelGroup> Groups => _groups.Values;

    public ModelGroup Resolve(string model) =>
        _groups.TryGetValue(model, out var group) ? group : throw Errors.ModelNotFound(model, _groups.Keys);

    public bool TryResolve(string model, out ModelGroup group) => _groups.TryGetValue(model, out group!);

    /// <param name="call">Told of every deployment tried, so the spend event names the one that served and counts retries.</param>
    public static async Task<T> RunAsync<T>(ModelGroup group, Func<Deployment, Task<T>> attempt, CancellationToken ct, Spend.CallRecord? call = null)
    {
        var attempts = group.Attempts;
        GatewayException? last = null;
        var n = 0;
        foreach (var deployment in group.AttemptOrder(attempts))
        {
            if (n++ > 0 && last is not null) await BackoffAsync(n, group.Deployments.Count, ct);
            call?.Attempting(deployment);
            try
            {
                return await attempt(deployment);
            }
            catch (GatewayException e) when (e.Retryable && n < attempts)
            {
                last = e;
            }
        }
        throw last ?? Errors.Internal("no deployment attempted");
    }

    /// <summary>A short pause only when retrying the same single deployment; switching deployments is immediate.</summary>
    private static Task BackoffAsync(int attempt, int deployments, CancellationToken ct) =>
        deployments > 1 ? Task.CompletedTask : Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * (1 << Math.Min(attempt, 5)))), ct);
}
