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

    /// <summary>The limits of one of this grant's subjects (key, team or user), null for any other subject.</summary>
    public SubjectLimits? LimitsOf(string subject) =>
        subject == Key.Subject ? Key.Limits : subject == Team?.Subject ? Team.Limits : subject == User?.Subject ? User.Limits : null;

    /// <summary>How limit messages name a subject.</summary>
    public string Describe(string? subject) =>
        subject == Team?.Subject ? $"team '{Team!.TeamId}'" : subject == User?.Subject ? $"user '{User!.UserId}'" : $"key {Key.KeyName ?? "(virtual key)"}";

    /// <summary>The subjects a call counts against, each with its limits; subjects without limits are skipped.</summary>
    public IReadOnlyList<SubjectCharge> Charges()
    {
        var list = new List<SubjectCharge>(3) { new(Key.Subject, Key.Limits) };
        if (Team is { } t && !t.Limits.IsEmpty) list.Add(new(t.Subject, t.Limits));
        if (User is { } u && !u.Limits.IsEmpty) list.Add(new(u.Subject, u.Limits));
        return list;
    }
}
