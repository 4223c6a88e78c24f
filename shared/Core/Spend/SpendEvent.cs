using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gateway.Spend;

/// <summary>
/// One call's record, written once per call (success or failure) and ingested idempotently by <see cref="Id"/>.
/// Field names follow LiteLLM's StandardLoggingPayload where one exists, so log tooling reads it as it is.
/// Money is <c>decimal</c> dollars.
/// </summary>
public sealed record SpendEvent
{
    /// <summary>The request id (<c>x-gateway-request-id</c>): the idempotency key of ingestion.</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("trace_id")] public string? TraceId { get; init; }
    /// <summary><c>chat_completion</c>, <c>embedding</c> or <c>anthropic_messages</c>.</summary>
    [JsonPropertyName("call_type")] public required string CallType { get; init; }
    [JsonPropertyName("stream")] public bool Stream { get; init; }
    [JsonPropertyName("start_time")] public DateTimeOffset StartTime { get; init; }
    [JsonPropertyName("end_time")] public DateTimeOffset EndTime { get; init; }
    /// <summary>When the first streamed chunk went out (null for non-streamed calls and streams that sent nothing).</summary>
    [JsonPropertyName("completion_start_time")] public DateTimeOffset? CompletionStartTime { get; init; }

    /// <summary>The model name the client asked for.</summary>
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("model_group")] public string? ModelGroup { get; init; }
    [JsonPropertyName("model_id")] public string? DeploymentId { get; init; }
    [JsonPropertyName("custom_llm_provider")] public string? Provider { get; init; }
    /// <summary>The model (or Azure deployment) name sent upstream.</summary>
    [JsonPropertyName("upstream_model")] public string? UpstreamModel { get; init; }
    [JsonPropertyName("api_base")] public string? ApiBase { get; init; }

    /// <summary>SHA-256 of the virtual key (never the key); null for master-key and local anonymous calls.</summary>
    [JsonPropertyName("api_key")] public string? KeyHash { get; init; }
    [JsonPropertyName("key_alias")] public string? KeyAlias { get; init; }
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    /// <summary>The request body's <c>user</c> field: the client's own end user.</summary>
    [JsonPropertyName("end_user")] public string? EndUser { get; init; }
    // Settable rather than init: source-generated JSON sets every init property, so a missing field would overwrite the default.
    [JsonPropertyName("request_tags")] public List<string> Tags { get; set; } = [];
    [JsonPropertyName("metadata")] public JsonObject? Metadata { get; init; }

    [JsonPropertyName("prompt_tokens")] public int PromptTokens { get; init; }
    [JsonPropertyName("completion_tokens")] public int CompletionTokens { get; init; }
    [JsonPropertyName("total_tokens")] public int TotalTokens { get; init; }
    [JsonPropertyName("cache_read_input_tokens")] public int CacheReadTokens { get; init; }
    [JsonPropertyName("cache_creation_input_tokens")] public int CacheWriteTokens { get; init; }
    [JsonPropertyName("reasoning_tokens")] public int ReasoningTokens { get; init; }

    [JsonPropertyName("spend")] public decimal Spend { get; init; }
    [JsonPropertyName("cost_breakdown")] public SpendBreakdown? CostBreakdown { get; init; }
    /// <summary>False when the model has no price: the call is booked at 0 and this says so.</summary>
    [JsonPropertyName("priced")] public bool Priced { get; set; } = true;

    /// <summary><c>success</c> or <c>failure</c>.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("http_status")] public int HttpStatus { get; init; }
    [JsonPropertyName("error_class")] public string? ErrorClass { get; init; }
    [JsonPropertyName("error_code")] public string? ErrorCode { get; init; }
    /// <summary>The router's class of the failure (<c>rate_limit</c>, <c>context_window</c>, ...; see docs/routing.md); null on success.</summary>
    [JsonPropertyName("failure_class")] public string? FailureClass { get; init; }
    /// <summary>The usage was estimated (the call ended without full usage from upstream); budgets were booked with the same figures.</summary>
    [JsonPropertyName("usage_estimated")] public bool UsageEstimated { get; init; }
    /// <summary>The gateway's response cache answered (provider prompt caching shows in the cache token counts instead).</summary>
    [JsonPropertyName("cache_hit")] public bool CacheHit { get; init; }
    /// <summary>The output tokens per choice the call was lowered to so it fit its budget (<c>budget_enforcement: cap</c>); null when not capped.</summary>
    [JsonPropertyName("max_tokens_capped")] public int? MaxTokensCapped { get; init; }

    /// <summary>
    /// <c>general_settings.disable_spend_logs</c> was on where the call ran: stores count the event in rollups and
    /// budgets but keep no log of it, only its id (so a redelivery is not counted twice) until retention removes it.
    /// </summary>
    [JsonPropertyName("no_log"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool NoLog { get; set; }
    /// <summary>On a cache hit: what the call that produced the cached answer cost, the money this call did not spend.</summary>
    [JsonPropertyName("saved")] public decimal Saved { get; init; }
    /// <summary>Attempts after the first (retries on the same deployment and failovers to others).</summary>
    [JsonPropertyName("retries")] public int Retries { get; init; }
    /// <summary>True when a fallback model group (not the one asked for) served the call.</summary>
    [JsonPropertyName("fallback")] public bool Fallback { get; init; }
    /// <summary>Every deployment tried, in order, by <c>model_info.id</c>; the last one served (or failed last).</summary>
    [JsonPropertyName("deployments_tried")] public List<string> DeploymentsTried { get; set; } = [];
    [JsonPropertyName("gateway_overhead_ms")] public double OverheadMs { get; init; }

    /// <summary>Request and response bodies: only when <c>general_settings.store_prompts_in_spend_logs</c> is on, each capped.</summary>
    [JsonPropertyName("messages")] public string? RequestBody { get; init; }
    [JsonPropertyName("response")] public string? ResponseBody { get; init; }

    /// <summary>The UTC day the call started: the day its log row and rollups belong to.</summary>
    [JsonIgnore] public DateOnly Day => DateOnly.FromDateTime(StartTime.UtcDateTime);
}

/// <summary>What each part of a call cost, in dollars. The parts add up to <see cref="SpendEvent.Spend"/>.</summary>
public sealed record SpendBreakdown(
    [property: JsonPropertyName("input")] decimal Input,
    [property: JsonPropertyName("cache_read")] decimal CacheRead,
    [property: JsonPropertyName("cache_write")] decimal CacheWrite,
    [property: JsonPropertyName("output")] decimal Output,
    [property: JsonPropertyName("reasoning")] decimal Reasoning,
    [property: JsonPropertyName("request")] decimal Request,
    [property: JsonPropertyName("images")] decimal Images);
