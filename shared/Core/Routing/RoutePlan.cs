using Gateway.Http;
using Gateway.Routing.Failures;
using Gateway.Routing.Fallbacks;

namespace Gateway.Routing;

/// <summary>
/// One call's route, decided before admission from the call's one parse: its group, the fallback groups of each kind
/// the caller may reach, the tag filter, the pre-call token estimate and any <c>mock_testing_*</c> failure.
/// </summary>
public sealed class RoutePlan
{
    internal RoutePlan(ModelGroup group, GroupChoice first, IReadOnlyList<(ModelGroup Group, GroupChoice Choice)> generic,
        IReadOnlyList<(ModelGroup Group, GroupChoice Choice)> contextWindow, IReadOnlyList<(ModelGroup Group, GroupChoice Choice)> contentPolicy,
        GatewayException? mockFailure, bool stream)
    {
        Group = group;
        First = first;
        Generic = generic;
        ContextWindow = contextWindow;
        ContentPolicy = contentPolicy;
        MockFailure = mockFailure;
        Stream = stream;
    }

    public ModelGroup Group { get; }
    internal GroupChoice First { get; }
    internal IReadOnlyList<(ModelGroup Group, GroupChoice Choice)> Generic { get; }
    internal IReadOnlyList<(ModelGroup Group, GroupChoice Choice)> ContextWindow { get; }
    internal IReadOnlyList<(ModelGroup Group, GroupChoice Choice)> ContentPolicy { get; }
    internal GatewayException? MockFailure { get; }
    internal bool Stream { get; }

    /// <summary>The fallback groups for a failure of this class, in order; none for caller faults.</summary>
    internal IReadOnlyList<(ModelGroup Group, GroupChoice Choice)> FallbacksFor(FailureClass c) => c switch
    {
        FailureClass.ContextWindow => ContextWindow,
        FailureClass.ContentPolicy => ContentPolicy,
        FailureClass.CallerFault => [],
        _ => Generic,
    };
}

/// <summary>Which deployments of a group one call may use: the tag filter's verdict and the pre-call context check.</summary>
internal sealed record GroupChoice(bool[]? Eligible, int? PromptTokens)
{
    /// <summary>Every deployment, no pre-call check: the common case, without an allocation.</summary>
    public static readonly GroupChoice Any = new(null, null);
}
