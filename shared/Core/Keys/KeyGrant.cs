namespace Gateway.Keys;

/// <summary>An authenticated virtual key with its team and user: everything a call is checked against.</summary>
public sealed record KeyGrant(KeyRecord Key, TeamRecord? Team, UserRecord? User)
{
    /// <summary>Names in a <c>models</c> list that allow every model.</summary>
    private static readonly string[] AllModels = ["*", "all-proxy-models"];

    /// <summary>True when key, team and user all allow the model (an empty list allows all).</summary>
    public bool MayUse(string model) =>
        Allows(Key.Models, model, Team is not null) && (Team is null || Allows(Team.Models, model, false)) && (User is null || Allows(User.Models, model, false));

    private static bool Allows(List<string> models, string model, bool hasTeam) =>
        models.Count == 0 || models.Contains(model) || models.Any(m => AllModels.Contains(m)) || (hasTeam && models.Contains("all-team-models"));

    /// <summary>
    /// The model group a requested name stands for: the key's <c>aliases</c> first, then the team's <c>model_aliases</c>,
    /// else the name itself. Not chained: an alias names a group, never another alias. The result is what access is
    /// checked against, so an alias cannot reach a model the key, team or user may not use.
    /// </summary>
    public string ModelFor(string requested) =>
        Key.Aliases?.GetValueOrDefault(requested) ?? Team?.ModelAliases?.GetValueOrDefault(requested) ?? requested;

    /// <summary>The subjects a call counts against, each with its limits; team and user are skipped when they have no limits.</summary>
    public IEnumerable<SubjectCharge> Charges(string model)
    {
        yield return new(Key.Subject, Key.Limits);
        if (Team is { } t && !t.Limits.IsEmpty) yield return new(t.Subject, t.Limits);
        if (User is { } u && !u.Limits.IsEmpty) yield return new(u.Subject, u.Limits);
        if (Key.LimitsFor(model) is { IsEmpty: false } perModel) yield return new(Subjects.KeyModel(Key.Hash, model), perModel);
    }
}
