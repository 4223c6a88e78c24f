using Gateway.Auth;
using Gateway.Config;
using Gateway.Http;
using Gateway.Pipeline;
using Gateway.Pricing;
using Gateway.Providers;
using Gateway.Routing.Cooldowns;
using Gateway.Routing.Fallbacks;
using Gateway.Routing.Strategies;
using Gateway.Routing.Tags;
using Gateway.Spend;

namespace Gateway.Routing;

/// <summary>
/// The model groups (one per <c>model_name</c>) and their aliases, and the one entry for routing a call: <see cref="Plan"/>
/// decides before admission which groups a call may reach, <see cref="RunAsync"/> runs it (see <see cref="RouteRunner"/>).
/// </summary>
public sealed class ModelRouter
{
    private readonly Dictionary<string, ModelGroup> _groups;
    private readonly RouterSettings _settings;
    private readonly RouteRunner _runner;
    private readonly TimeProvider _time;

    public ModelRouter(GatewayConfig config, ProviderFactory factory, PriceBook prices, TimeProvider time, IRandomSource random, ICooldownBoard board)
    {
        _settings = config.Router;
        _time = time;
        var strategy = RoutingStrategies.Create(_settings.RoutingStrategy, random, _settings.Latency, prices);
        _groups = config.Deployments
            .GroupBy(d => d.ModelName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new ModelGroup(g.Key, g.Select(factory.Create).ToArray(), strategy, _settings), StringComparer.Ordinal);
        _runner = new RouteRunner(time, random, board, _settings.Fallbacks.MaxFallbacks);
    }

    public RouterSettings Settings => _settings;
    public IEnumerable<ModelGroup> Groups => _groups.Values;

    /// <summary>Names a client may list: the groups and the aliases not marked <c>hidden</c>.</summary>
    public IEnumerable<string> VisibleNames => _groups.Keys.Concat(_settings.Aliases.Where(a => !a.Value.Hidden).Select(a => a.Key));

    public ModelGroup Resolve(string model) =>
        TryResolve(model, out var group) ? group : throw Errors.ModelNotFound(model, VisibleNames);

    /// <summary>A group by its name, else by a <c>model_group_alias</c>.</summary>
    public bool TryResolve(string model, out ModelGroup group)
    {
        if (_groups.TryGetValue(model, out group!)) return true;
        return _settings.Aliases.TryGetValue(model, out var alias) && _groups.TryGetValue(alias.Group, out group!);
    }

    /// <summary>
    /// The call's route. A fallback group is reached only if the caller may use it, and never one on which the caller's key
    /// has limits of its own (<c>model_max_budget</c>, <c>model_rpm_limit</c>, <c>model_tpm_limit</c>): the call was admitted
    /// against the group it named, so a fallback must not spend another group's budget unchecked. A body <c>fallbacks</c>
    /// naming an unknown model is refused (400), one the caller may not reach likewise (403), before admission.
    /// </summary>
    public RoutePlan Plan(ModelGroup group, IModelRequest request, CallerIdentity caller, IReadOnlyList<string> tags)
    {
        var directives = RequestDirectives.Read(request.Root);
        if (request is IPinnedRequest { PinnedDeployment: { } pin }) return Pinned(group, pin, directives, request);
        int? promptTokens = _settings.PreCallChecks && group.Deployments.Concat(FallbackGroups(group).SelectMany(g => g.Deployments)).Any(d => d.MaxInputTokens is not null)
            ? AnthropicApi.TokenEstimate.InputTokens(request.Root)
            : null;
        GroupChoice Choice(ModelGroup g) => !_settings.TagFiltering && promptTokens is null
            ? GroupChoice.Any
            : new(_settings.TagFiltering ? TagFilter.Eligible(g.Deployments, tags, _settings.TagMatchAny, g.Name) : null, promptTokens);

        IReadOnlyList<(ModelGroup, GroupChoice)> generic;
        if (directives.Fallbacks is { } asked)
        {
            var list = new List<(ModelGroup, GroupChoice)>();
            foreach (var name in asked)
            {
                if (!TryResolve(name, out var g))
                    throw new GatewayException(400, Errors.InvalidRequest, $"Invalid 'fallbacks': the model '{name}' does not exist on this gateway.", "model_not_found", "fallbacks");
                if (!Reachable(caller, g, group))
                    throw new GatewayException(403, "permission_error", $"This key may not use the model '{name}' named in 'fallbacks'.", "model_not_allowed", "fallbacks");
                if (g != group) list.Add((g, Choice(g)));
            }
            generic = list;
        }
        else generic = Reach(caller, group, GenericFallbacks, Choice);
        return new RoutePlan(group, Choice(group), generic,
            Reach(caller, group, _settings.Fallbacks.ContextWindow.GetValueOrDefault, Choice),
            Reach(caller, group, _settings.Fallbacks.ContentPolicy.GetValueOrDefault, Choice),
            directives.MockFailure, request.Stream);
    }

    /// <summary>A call that only one deployment can serve (it holds the conversation): that deployment, no fallbacks.</summary>
    private static RoutePlan Pinned(ModelGroup group, string pin, RequestDirectives directives, IModelRequest request)
    {
        var eligible = group.Deployments.Select(d => d.Config.Id == pin).ToArray();
        if (!eligible.Contains(true))
            throw new GatewayException(400, Errors.InvalidRequest,
                $"The model '{group.Name}' has no deployment '{pin}', which holds the conversation this request continues.", "deployment_not_in_group", "model");
        return new RoutePlan(group, new GroupChoice(eligible, null), [], [], [], directives.MockFailure, request.Stream);
    }

    public Task<T> RunAsync<T>(RoutePlan plan, RouteTrace trace, Func<Deployment, Task<T>> attempt, CancellationToken ct) =>
        _runner.RunAsync(plan, trace, attempt, ct);

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>A fresh trace for one call, timed by the router's clock.</summary>
    public RouteTrace NewTrace(CallRecord? record) => new(record, _time);

    /// <summary>A group's own <c>fallbacks</c>, else <c>default_fallbacks</c>.</summary>
    private IReadOnlyList<string>? GenericFallbacks(string group) => _settings.Fallbacks.Generic.GetValueOrDefault(group) ?? _settings.Fallbacks.Default;

    private ModelGroup? ResolveOrNull(string name) => TryResolve(name, out var g) ? g : null;

    /// <summary>The context-window chain, whoever the caller is: does any deployment on it need the pre-call estimate?</summary>
    private IEnumerable<ModelGroup> FallbackGroups(ModelGroup group) => FallbackChain.Walk(group,
        _settings.Fallbacks.ContextWindow.GetValueOrDefault(group.Name), _settings.Fallbacks.ContextWindow.GetValueOrDefault,
        ResolveOrNull, _ => true, _settings.Fallbacks.MaxFallbacks);

    /// <summary>The fallback chain of one kind that the caller may reach, each group with the deployments the call may use there.</summary>
    private IReadOnlyList<(ModelGroup, GroupChoice)> Reach(CallerIdentity caller, ModelGroup from, Func<string, IReadOnlyList<string>?> fallbacksOf,
        Func<ModelGroup, GroupChoice> choice)
    {
        var list = new List<(ModelGroup, GroupChoice)>();
        FallbackChain.Walk(from, fallbacksOf(from.Name), fallbacksOf, ResolveOrNull, g =>
        {
            if (!Reachable(caller, g, from)) return false;
            try
            {
                list.Add((g, choice(g)));
                return true;
            }
            catch (GatewayException)
            {
                // The fallback group has no deployment for the call's tags: it is left out (with its own fallbacks), the call goes on.
                return false;
            }
        }, _settings.Fallbacks.MaxFallbacks);
        return list;
    }

    private static bool Reachable(CallerIdentity caller, ModelGroup g, ModelGroup from) =>
        g == from || (ModelAccess.Allows(caller, g.Name) && caller.Grant?.Key.LimitsFor(g.Name) is null or { IsEmpty: true });
}
