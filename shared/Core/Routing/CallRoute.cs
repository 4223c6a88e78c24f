using Gateway.Spend;

namespace Gateway.Routing;

/// <summary>One call's plan and trace, bound to the router that runs it.</summary>
public sealed class CallRoute(ModelRouter router, RoutePlan plan, CallRecord? record)
{
    public const string ModelIdHeader = "x-gateway-model-id";
    public const string ModelGroupHeader = "x-gateway-model-group";
    public const string AttemptsHeader = "x-gateway-attempts";

    public RoutePlan Plan => plan;
    public RouteTrace Trace { get; } = router.NewTrace(record);

    public Task<T> RunAsync<T>(Func<Deployment, Task<T>> attempt, CancellationToken ct) => router.RunAsync(plan, Trace, attempt, ct);

    public void Finish(long tokens) => Trace.Finish(router.Now, tokens);
}
