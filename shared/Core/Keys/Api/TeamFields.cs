using System.Text.Json;
using Gateway.Http;

namespace Gateway.Keys.Api;

/// <summary>Applies the fields of a <c>/team/new</c> or <c>/team/update</c> body to a team; fields not given keep their value.</summary>
internal static class TeamFields
{
    public static TeamRecord Apply(TeamRecord t, Fields f) => t with
    {
        Alias = f.Has("team_alias") ? f.String("team_alias") : t.Alias,
        Models = f.Strings("models") ?? t.Models,
        MaxBudget = f.Has("max_budget") ? f.Money("max_budget") : t.MaxBudget,
        BudgetDuration = f.Has("budget_duration") ? f.Duration("budget_duration") : t.BudgetDuration,
        BudgetEnforcement = f.Has("budget_enforcement") ? f.Enforcement("budget_enforcement") : t.BudgetEnforcement,
        Rpm = f.Has("rpm_limit") ? f.Int("rpm_limit") : t.Rpm,
        Tpm = f.Has("tpm_limit") ? f.Long("tpm_limit") : t.Tpm,
        MaxParallel = f.Has("max_parallel_requests") ? f.Int("max_parallel_requests") : t.MaxParallel,
        Metadata = f.Has("metadata") ? f.Object("metadata") : t.Metadata,
        AllowedCacheControls = f.Has("allowed_cache_controls") ? Caching.CacheControls.ValidateNames(f.Strings("allowed_cache_controls")) : t.AllowedCacheControls,
        Blocked = f.Bool("blocked") ?? t.Blocked,
        Members = Members(f, "members_with_roles") ?? t.Members,
        ModelAliases = f.Has("model_aliases") ? f.StringMap("model_aliases") : t.ModelAliases,
    };

    /// <summary>One member object or a list of them: each names a <c>user_id</c> or <c>user_email</c>, with role <c>admin</c> or <c>user</c>.</summary>
    public static List<TeamMember>? Members(Fields f, string name)
    {
        if (!f.Root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        var items = v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToList() : [v];
        return items.Select(item =>
        {
            if (item.ValueKind != JsonValueKind.Object) throw Errors.InvalidField(name, "expected member objects with user_id or user_email and a role");
            var m = new Fields(item);
            var role = m.String("role") ?? "user";
            if (role is not ("admin" or "user")) throw Errors.InvalidField(name, $"role '{role}' is not admin or user");
            var member = new TeamMember { UserId = m.String("user_id"), Email = m.String("user_email"), Role = role };
            return member.UserId is null && member.Email is null ? throw Errors.InvalidField(name, "each member needs a user_id or a user_email") : member;
        }).ToList();
    }
}
