using System.Text.Json.Serialization;

namespace Gateway.Alerts.State;

/// <summary>
/// One alert that fired: its dedup identity (<see cref="Id"/>: subject, rule, period and level), what it says (LiteLLM's
/// webhook payload fields), and how its delivery to each channel target went. Targets are named by channel and position
/// (<c>slack#0</c>), never by URL.
/// </summary>
public sealed record AlertRecord
{
    /// <summary>The dedup key: one alert per subject, rule, period (and level); a second with the same id is quiet.</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }
    /// <summary>The <c>alert_types</c> name (<c>budget_alerts</c>, <c>forecast_alerts</c>, ...).</summary>
    [JsonPropertyName("alert_type")] public required string AlertType { get; init; }
    /// <summary>LiteLLM's webhook <c>event</c>: <c>budget_crossed</c>, <c>threshold_crossed</c>, <c>projected_limit_exceeded</c>, ... and ours.</summary>
    [JsonPropertyName("event")] public required string Event { get; init; }
    /// <summary>LiteLLM's <c>event_group</c>: <c>key</c>, <c>team</c>, <c>user</c>, <c>model</c>, <c>deployment</c>, <c>proxy</c>.</summary>
    [JsonPropertyName("event_group")] public required string EventGroup { get; init; }
    /// <summary>The subject within its group: a key hash, team id, user id, model group or deployment id.</summary>
    [JsonPropertyName("subject")] public required string Subject { get; init; }
    [JsonPropertyName("event_message")] public required string Message { get; init; }
    [JsonPropertyName("fired_at")] public DateTimeOffset FiredAt { get; init; }

    [JsonPropertyName("spend")] public decimal? Spend { get; init; }
    [JsonPropertyName("max_budget")] public decimal? MaxBudget { get; init; }
    [JsonPropertyName("token")] public string? Token { get; init; }
    [JsonPropertyName("key_alias")] public string? KeyAlias { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }
    [JsonPropertyName("user_email")] public string? UserEmail { get; init; }
    [JsonPropertyName("customer_id")] public string? CustomerId { get; init; }
    [JsonPropertyName("projected_exceeded_date")] public DateTimeOffset? ProjectedExceededDate { get; init; }
    [JsonPropertyName("projected_spend")] public decimal? ProjectedSpend { get; init; }
    /// <summary>Rule-specific figures (the threshold, the baseline and z-score, the latency) for people and dashboards.</summary>
    [JsonPropertyName("details")] public Dictionary<string, string> Details { get; set; } = [];

    [JsonPropertyName("deliveries")] public List<AlertDelivery> Deliveries { get; set; } = [];

    /// <summary><c>pending</c> while a target still has attempts left, then <c>delivered</c> or <c>failed</c>.</summary>
    [JsonIgnore] public string Status => Deliveries.Any(d => d.State == DeliveryState.Pending) ? DeliveryState.Pending
        : Deliveries.Any(d => d.State == DeliveryState.Failed) ? DeliveryState.Failed : DeliveryState.Delivered;

    /// <summary>When the next attempt is due, or null when none is.</summary>
    [JsonIgnore] public DateTimeOffset? NextAttemptAt => Deliveries.Where(d => d.State == DeliveryState.Pending).Select(d => (DateTimeOffset?)d.NextAttemptAt).Min();
}

/// <summary>One channel target's delivery: attempts so far, the last answer, and when to try again.</summary>
public sealed record AlertDelivery
{
    [JsonPropertyName("channel")] public required string Channel { get; init; }
    /// <summary>The URL's position in the channel's list (the URL itself is a secret and is not kept).</summary>
    [JsonPropertyName("target")] public int Target { get; init; }
    [JsonPropertyName("state")] public string State { get; set; } = DeliveryState.Pending;
    [JsonPropertyName("attempts")] public int Attempts { get; set; }
    [JsonPropertyName("last_status")] public int? LastStatus { get; set; }
    [JsonPropertyName("last_error")] public string? LastError { get; set; }
    [JsonPropertyName("next_attempt_at")] public DateTimeOffset NextAttemptAt { get; set; }
    [JsonPropertyName("delivered_at")] public DateTimeOffset? DeliveredAt { get; set; }

    [JsonIgnore] public string Name => $"{Channel}#{Target}";
}

public static class DeliveryState
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}
