using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gateway.Keys;

/// <summary>The limits one subject (key, team or user) carries. Null means no limit of that kind.</summary>
public sealed record SubjectLimits(decimal? MaxBudget = null, string? BudgetDuration = null, int? Rpm = null, long? Tpm = null, int? MaxParallel = null)
{
    public static readonly SubjectLimits None = new();

    /// <summary>Soft budgets admit while spend is under the budget, ignoring what is reserved (LiteLLM's rule); else the whole reservation must fit.</summary>
    public bool SoftBudget { get; init; }

    public bool IsEmpty => MaxBudget is null && Rpm is null && Tpm is null && MaxParallel is null;
}

/// <summary>What keys, teams and users have in common: allowed models, limits, metadata, and their counter owner.</summary>
public abstract record LimitedRecord
{
    [JsonPropertyName("models")] public List<string> Models { get; init; } = [];
    [JsonPropertyName("max_budget")] public decimal? MaxBudget { get; init; }
    [JsonPropertyName("budget_duration")] public string? BudgetDuration { get; init; }
    [JsonPropertyName("rpm_limit")] public int? Rpm { get; init; }
    [JsonPropertyName("tpm_limit")] public long? Tpm { get; init; }
    [JsonPropertyName("max_parallel_requests")] public int? MaxParallel { get; init; }
    [JsonPropertyName("metadata")] public JsonObject? Metadata { get; init; }
    /// <summary>The per-request cache controls (<c>no-cache</c>, <c>ttl</c>, ...) this key or team may send; null: all of them.</summary>
    [JsonPropertyName("allowed_cache_controls")] public List<string>? AllowedCacheControls { get; init; }
    [JsonPropertyName("created_at")] public DateTimeOffset CreatedAt { get; init; }

    [JsonIgnore] public SubjectLimits Limits => new(MaxBudget, BudgetDuration, Rpm, Tpm, MaxParallel);

    /// <summary>The counter owner's name (see <see cref="Subjects"/>).</summary>
    [JsonIgnore] public abstract string Subject { get; }
}

/// <summary>A virtual key as stored: only the SHA-256 hash of the secret, never the secret itself.</summary>
public sealed record KeyRecord : LimitedRecord
{
    [JsonPropertyName("token")] public required string Hash { get; init; }
    /// <summary>A recognisable, non-secret abbreviation (<c>sk-...abcd</c>) for listings.</summary>
    [JsonPropertyName("key_name")] public string? KeyName { get; init; }
    [JsonPropertyName("key_alias")] public string? Alias { get; init; }
    [JsonPropertyName("soft_budget")] public decimal? SoftBudget { get; init; }
    [JsonPropertyName("expires")] public DateTimeOffset? Expires { get; init; }
    [JsonPropertyName("tags")] public List<string>? Tags { get; init; }
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("blocked")] public bool Blocked { get; init; }
    [JsonPropertyName("updated_at")] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>A budget per model group on this key alone (LiteLLM's <c>model_max_budget</c>).</summary>
    [JsonPropertyName("model_max_budget")] public Dictionary<string, ModelBudget>? ModelMaxBudget { get; init; }
    [JsonPropertyName("model_rpm_limit")] public Dictionary<string, int>? ModelRpm { get; init; }
    [JsonPropertyName("model_tpm_limit")] public Dictionary<string, long>? ModelTpm { get; init; }

    /// <summary>Names this key may send as <c>model</c>, each mapped to a model group (which the key must still be allowed).</summary>
    [JsonPropertyName("aliases")] public Dictionary<string, string>? Aliases { get; init; }

    /// <summary>Stored and returned only: LiteLLM's free-form permissions object.</summary>
    [JsonPropertyName("permissions")] public JsonObject? Permissions { get; init; }

    /// <summary>When set, the only routes this key may call (see <see cref="RouteAccess"/>).</summary>
    [JsonPropertyName("allowed_routes")] public List<string>? AllowedRoutes { get; init; }

    /// <summary><c>cap</c>, <c>reserve</c> or <c>soft</c> for this key's calls (see <see cref="Limits.BudgetEnforcement"/>); null: the team's, else the gateway's.</summary>
    [JsonPropertyName("budget_enforcement")] public string? BudgetEnforcement { get; init; }

    [JsonIgnore] public override string Subject => Subjects.Key(Hash);

    /// <summary>The limits this key puts on one model group (budget, rpm, tpm), none when it has none for that model.</summary>
    public SubjectLimits LimitsFor(string model)
    {
        var budget = ModelMaxBudget?.GetValueOrDefault(model);
        int? rpm = ModelRpm is not null && ModelRpm.TryGetValue(model, out var r) ? r : null;
        long? tpm = ModelTpm is not null && ModelTpm.TryGetValue(model, out var t) ? t : null;
        return new SubjectLimits(budget?.Limit, budget is null ? null : budget.Period ?? BudgetDuration, rpm, tpm);
    }
}

/// <summary>One entry of <c>model_max_budget</c>: a budget and its reset period (the key's <c>budget_duration</c> when absent).</summary>
public sealed record ModelBudget
{
    [JsonPropertyName("budget_limit")] public decimal Limit { get; init; }
    [JsonPropertyName("time_period")] public string? Period { get; init; }
}

/// <summary>A team: its own budget and rate limits, and the models its keys may use (empty: all).</summary>
public sealed record TeamRecord : LimitedRecord
{
    [JsonPropertyName("team_id")] public required string TeamId { get; init; }
    [JsonPropertyName("team_alias")] public string? Alias { get; init; }
    [JsonPropertyName("blocked")] public bool Blocked { get; init; }
    [JsonPropertyName("members_with_roles")] public List<TeamMember> Members { get; init; } = [];

    /// <summary>Model names the team's keys may send, mapped to model groups (after the key's own aliases).</summary>
    [JsonPropertyName("model_aliases")] public Dictionary<string, string>? ModelAliases { get; init; }

    /// <summary><c>cap</c>, <c>reserve</c> or <c>soft</c> for the calls of this team's keys that set none; null: the gateway's.</summary>
    [JsonPropertyName("budget_enforcement")] public string? BudgetEnforcement { get; init; }

    [JsonIgnore] public override string Subject => Subjects.Team(TeamId);
}

/// <summary>A user (an end person or app): own budget and rate limits.</summary>
public sealed record UserRecord : LimitedRecord
{
    [JsonPropertyName("user_id")] public required string UserId { get; init; }
    [JsonPropertyName("user_email")] public string? Email { get; init; }
    [JsonPropertyName("user_role")] public string? Role { get; init; }

    [JsonIgnore] public override string Subject => Subjects.User(UserId);
}

/// <summary>A member of a team, by user id and/or email, with LiteLLM's role (<c>admin</c> or <c>user</c>).</summary>
public sealed record TeamMember
{
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("user_email")] public string? Email { get; init; }
    [JsonPropertyName("role")] public string Role { get; init; } = "user";

    public bool Is(string? userId, string? email) => (userId is not null && userId == UserId) || (email is not null && email == Email);
}

/// <summary>
/// An end user (LiteLLM's customer): the <c>user</c> a request names. Its budget and rate limits bind every call that
/// names it, whichever key makes the call; a blocked end user's calls are refused.
/// </summary>
public sealed record EndUserRecord
{
    [JsonPropertyName("user_id")] public required string UserId { get; init; }
    [JsonPropertyName("alias")] public string? Alias { get; init; }
    [JsonPropertyName("blocked")] public bool Blocked { get; init; }
    /// <summary>Stored and returned only.</summary>
    [JsonPropertyName("allowed_model_region")] public string? AllowedModelRegion { get; init; }
    /// <summary>Stored and returned only.</summary>
    [JsonPropertyName("default_model")] public string? DefaultModel { get; init; }
    [JsonPropertyName("litellm_budget_table")] public EndUserBudget? Budget { get; init; }
    [JsonPropertyName("metadata")] public JsonObject? Metadata { get; init; }
    [JsonPropertyName("created_at")] public DateTimeOffset CreatedAt { get; init; }

    [JsonIgnore] public string Subject => Subjects.EndUser(UserId);
    [JsonIgnore] public SubjectLimits Limits => Budget is { } b ? new(b.MaxBudget, b.BudgetDuration, b.Rpm, b.Tpm, b.MaxParallel) : SubjectLimits.None;
}

/// <summary>An end user's limits, in LiteLLM's <c>litellm_budget_table</c> shape.</summary>
public sealed record EndUserBudget
{
    [JsonPropertyName("max_budget")] public decimal? MaxBudget { get; init; }
    [JsonPropertyName("budget_duration")] public string? BudgetDuration { get; init; }
    [JsonPropertyName("rpm_limit")] public int? Rpm { get; init; }
    [JsonPropertyName("tpm_limit")] public long? Tpm { get; init; }
    [JsonPropertyName("max_parallel_requests")] public int? MaxParallel { get; init; }
}

/// <summary>Counter-owner names: one per key, team, user, end user, and key and model.</summary>
public static class Subjects
{
    public static string Key(string hash) => "key:" + hash;
    public static string Team(string id) => "team:" + id;
    public static string User(string id) => "user:" + id;
    public static string EndUser(string id) => "enduser:" + id;
    /// <summary>The proxy-wide budget (<c>litellm_settings.max_budget</c>), which every call counts against.</summary>
    public const string Proxy = "proxy:all";
    /// <summary>One key's counter for one model group (its <c>model_max_budget</c>, <c>model_rpm_limit</c>, <c>model_tpm_limit</c>).</summary>
    public static string KeyModel(string hash, string model) => "keymodel:" + hash + ":" + model;
}
