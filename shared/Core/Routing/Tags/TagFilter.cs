using Gateway.Http;

namespace Gateway.Routing.Tags;

/// <summary>
/// Tag routing (<c>enable_tag_filtering</c>): a call tagged (by its request's <c>tags</c>, else its key's) goes only to
/// deployments carrying its tags: all of them, or any one with <c>tag_filtering_match_any</c>. An untagged call, or a
/// tagged one no deployment serves, goes to the deployments tagged <c>default</c> when there are some; an untagged call
/// otherwise goes anywhere. A tagged call with no match and no default deployment is refused.
/// </summary>
public static class TagFilter
{
    public const string DefaultTag = "default";

    /// <summary>Which of <paramref name="deployments"/> the call may use (all of them: null, no work per pick).</summary>
    public static bool[]? Eligible(IReadOnlyList<Deployment> deployments, IReadOnlyList<string> tags, bool matchAny, string group)
    {
        var eligible = new bool[deployments.Count];
        var any = false;
        if (tags.Count > 0)
            for (var i = 0; i < deployments.Count; i++)
                any |= eligible[i] = Matches(deployments[i].Tags, tags, matchAny);
        if (any) return eligible;
        for (var i = 0; i < deployments.Count; i++)
            any |= eligible[i] = deployments[i].Tags.Contains(DefaultTag);
        if (any) return eligible;
        if (tags.Count == 0) return null;
        throw new GatewayException(400, Errors.InvalidRequest,
            $"No deployment of the model '{group}' serves the tags [{string.Join(", ", tags)}], and none is tagged '{DefaultTag}'.", "no_deployment_for_tags", "tags");
    }

    private static bool Matches(IReadOnlyList<string> deployment, IReadOnlyList<string> request, bool matchAny)
    {
        if (deployment.Count == 0) return false;
        foreach (var t in request)
        {
            var has = deployment.Contains(t);
            if (matchAny && has) return true;
            if (!matchAny && !has) return false;
        }
        return !matchAny;
    }
}
