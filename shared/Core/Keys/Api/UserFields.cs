namespace Gateway.Keys.Api;

/// <summary>Applies the fields of a <c>/user/new</c> or <c>/user/update</c> body to a user; fields not given keep their value.</summary>
internal static class UserFields
{
    public static UserRecord Apply(UserRecord u, Fields f) => u with
    {
        Email = f.Has("user_email") ? f.String("user_email") : u.Email,
        Role = f.Has("user_role") ? f.String("user_role") : u.Role,
        Models = f.Strings("models") ?? u.Models,
        MaxBudget = f.Has("max_budget") ? f.Money("max_budget") : u.MaxBudget,
        BudgetDuration = f.Has("budget_duration") ? f.Duration("budget_duration") : u.BudgetDuration,
        Rpm = f.Has("rpm_limit") ? f.Int("rpm_limit") : u.Rpm,
        Tpm = f.Has("tpm_limit") ? f.Long("tpm_limit") : u.Tpm,
        MaxParallel = f.Has("max_parallel_requests") ? f.Int("max_parallel_requests") : u.MaxParallel,
        Metadata = f.Has("metadata") ? f.Object("metadata") : u.Metadata,
    };
}
