namespace Gateway.Routing.Fallbacks;

/// <summary>
/// The order fallback groups are tried in, as LiteLLM walks them: depth first, so when a fallback group fails its own
/// fallbacks (of the same kind) come before the next sibling. Each group appears once, the failing group never, and a
/// group the caller may not reach is left out with everything behind it. At most <c>max_fallbacks</c> groups in all.
/// </summary>
internal static class FallbackChain
{
    public static List<ModelGroup> Walk(ModelGroup from, IReadOnlyList<string>? first, Func<string, IReadOnlyList<string>?> next,
        Func<string, ModelGroup?> resolve, Func<ModelGroup, bool> admit, int max)
    {
        var chain = new List<ModelGroup>();
        if (first is null || first.Count == 0 || max <= 0) return chain;
        var seen = new HashSet<ModelGroup> { from };
        Visit(first);
        return chain;

        void Visit(IReadOnlyList<string>? names)
        {
            if (names is null) return;
            foreach (var name in names)
            {
                if (chain.Count >= max) return;
                if (resolve(name) is not { } g || !seen.Add(g) || !admit(g)) continue;
                chain.Add(g);
                Visit(next(g.Name));
            }
        }
    }
}
