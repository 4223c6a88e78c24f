namespace Gateway.Routing;

/// <summary>
/// The deployments a pick may choose from: eligible for the call (tags, pre-call context check), not cooling down, in the
/// first tier that has any. Untried ones are preferred; a deployment already tried in this call is picked again only
/// when no other is left.
/// </summary>
internal static class DeploymentSelector
{
    public static Deployment? Select(ModelGroup group, GroupChoice choice, List<Deployment> tried, DateTimeOffset now)
    {
        var buffer = new Deployment[group.Deployments.Count];
        foreach (var untriedOnly in Passes(tried))
        {
            foreach (var tier in group.Tiers)
            {
                var n = 0;
                foreach (var d in tier)
                    if (Usable(group, choice, d, now) && !(untriedOnly && tried.Contains(d)))
                        buffer[n++] = d;
                if (n == 0) continue;
                if (group.Strategy.Pick(buffer.AsSpan(0, n), now) is { } pick) return pick;
            }
        }
        return null;
    }

    public static bool HasUntried(ModelGroup group, GroupChoice choice, List<Deployment> tried, DateTimeOffset now)
    {
        foreach (var d in group.Deployments)
            if (!tried.Contains(d) && Usable(group, choice, d, now)) return true;
        return false;
    }

    /// <summary>The pre-call check left no deployment: the prompt is too long for all of them.</summary>
    public static bool NoneFits(ModelGroup group, GroupChoice choice, int tokens)
    {
        for (var i = 0; i < group.Deployments.Count; i++)
            if ((choice.Eligible is null || choice.Eligible[i]) && Fits(group.Deployments[i], tokens)) return false;
        return true;
    }

    private static bool[] Passes(List<Deployment> tried) => tried.Count == 0 ? OnePass : TwoPasses;
    private static readonly bool[] OnePass = [true];
    private static readonly bool[] TwoPasses = [true, false];

    private static bool Usable(ModelGroup group, GroupChoice choice, Deployment d, DateTimeOffset now)
    {
        if (!d.Breaker.IsAvailable(now)) return false;
        if (choice.PromptTokens is { } tokens && !Fits(d, tokens)) return false;
        if (choice.Eligible is { } eligible && !eligible[IndexOf(group, d)]) return false;
        return true;
    }

    private static bool Fits(Deployment d, int tokens) => d.MaxInputTokens is not { } max || tokens <= max;

    private static int IndexOf(ModelGroup group, Deployment d)
    {
        for (var i = 0; i < group.Deployments.Count; i++)
            if (ReferenceEquals(group.Deployments[i], d)) return i;
        return -1;
    }
}
