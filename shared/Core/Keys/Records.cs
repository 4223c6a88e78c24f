using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gateway.Keys;

/// <summary>The limits one subject (key, team or user) carries. Null means no limit of that kind.</summary>
public sealed record SubjectLimits(decimal? MaxBudget = null, string? BudgetDuration = null, int? Rpm = null, long? Tpm = null, int? MaxParallel = null)
{
    public static readonly SubjectLimits None = new();
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

    [JsonIgnore] public override string Subject => Subjects.Key(Hash);
}

/// <summary>A team: its own budget and rate limits, and the models its keys may use (empty: all).</summary>
public sealed record TeamRecord : LimitedRecord
{
    [JsonPropertyName("team_id")] public required string TeamId { get; init; }
    [JsonPropertyName("team_alias")] public string? Alias { get; init; }
    [JsonPropertyName("blocked")] public bool Blocked { get; init; }

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

/// <summary>Counter-owner names: one per key, team and user.</summary>
public static class Subjects
{
    public static string Key(string hash) => "key:" + hash;
    public static string Team(string id) => "team:" + id;
    public static string User(string id) => "user:" + id;
}
