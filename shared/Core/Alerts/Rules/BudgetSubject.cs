using Gateway.Keys;
using Gateway.Spend.Ingest;

namespace Gateway.Alerts.Rules;

/// <summary>
/// Something with a budget the rules watch: a key, team, user, or the proxy as a whole. Names its rollup dimension
/// (the proxy reads every key's rollup together), its counter, and the people fields a webhook carries.
/// </summary>
public sealed record BudgetSubject(string Group, string Id, string Dimension, string? RollupValue, string CounterSubject, SubjectLimits Limits)
{
    public decimal? SoftBudget { get; init; }
    public string? KeyAlias { get; init; }
    public string? TeamId { get; init; }
    public string? UserId { get; init; }
    public string? UserEmail { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public bool HasBudget => Limits.MaxBudget is not null || SoftBudget is not null;

    /// <summary>A readable name for messages: the key's alias (or the start of its hash), the team or user id.</summary>
    public string Name => Group switch
    {
        AlertGroups.Key => KeyAlias is { Length: > 0 } a ? $"key '{a}'" : $"key {Id[..Math.Min(12, Id.Length)]}",
        AlertGroups.Proxy => "the proxy",
        _ => $"{Group} '{Id}'",
    };

    public static BudgetSubject Of(KeyRecord k) => new(AlertGroups.Key, k.Hash, SpendDimensions.Key, k.Hash, k.Subject, k.Limits)
    {
        SoftBudget = k.SoftBudget, KeyAlias = k.Alias, TeamId = k.TeamId, UserId = k.UserId, CreatedAt = k.CreatedAt,
    };

    public static BudgetSubject Of(TeamRecord t) => new(AlertGroups.Team, t.TeamId, SpendDimensions.Team, t.TeamId, t.Subject, t.Limits)
    {
        TeamId = t.TeamId, CreatedAt = t.CreatedAt,
    };

    public static BudgetSubject Of(UserRecord u) => new(AlertGroups.User, u.UserId, SpendDimensions.User, u.UserId, u.Subject, u.Limits)
    {
        UserId = u.UserId, UserEmail = u.Email, CreatedAt = u.CreatedAt,
    };

    public static BudgetSubject Proxy(SubjectLimits limits) => new(AlertGroups.Proxy, "proxy", SpendDimensions.Key, null, Subjects.Proxy, limits);
}

/// <summary>LiteLLM's <c>event_group</c> values, and the groups this gateway adds.</summary>
public static class AlertGroups
{
    public const string Key = "key";
    public const string Team = "team";
    public const string User = "user";
    public const string Proxy = "proxy";
    public const string Model = "model";
    public const string Deployment = "deployment";
}
