using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Routing.Api;

/// <summary><c>GET /router/deployments</c>: each deployment's live state on this instance.</summary>
public sealed record DeploymentStateList(
    [property: JsonPropertyName("routing_strategy")] string RoutingStrategy,
    [property: JsonPropertyName("data")] DeploymentState[] Data);

public sealed record DeploymentState(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("order")] int? Order,
    [property: JsonPropertyName("weight")] double Weight,
    [property: JsonPropertyName("rpm")] int? Rpm,
    [property: JsonPropertyName("tpm")] int? Tpm,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("available")] bool Available,
    [property: JsonPropertyName("cooldown_until")] DateTimeOffset? CooldownUntil,
    [property: JsonPropertyName("calls_this_minute")] int CallsThisMinute,
    [property: JsonPropertyName("failures_this_minute")] int FailuresThisMinute,
    [property: JsonPropertyName("in_flight")] int InFlight,
    [property: JsonPropertyName("latency_ms")] double? LatencyMs,
    [property: JsonPropertyName("requests_this_minute")] long RequestsThisMinute,
    [property: JsonPropertyName("tokens_this_minute")] long TokensThisMinute);

/// <summary><c>GET /health</c> in LiteLLM's shape: the deployments that answered a minimal call, and those that did not.</summary>
public sealed record HealthReport(
    [property: JsonPropertyName("healthy_endpoints")] HealthEndpoint[] Healthy,
    [property: JsonPropertyName("unhealthy_endpoints")] HealthEndpoint[] Unhealthy,
    [property: JsonPropertyName("healthy_count")] int HealthyCount,
    [property: JsonPropertyName("unhealthy_count")] int UnhealthyCount);

/// <summary>One deployment: never its key. <c>error</c> is the redacted upstream error.</summary>
public sealed record HealthEndpoint(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_id")] string ModelId,
    [property: JsonPropertyName("api_base")] string? ApiBase,
    [property: JsonPropertyName("error")] string? Error);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeploymentStateList))]
[JsonSerializable(typeof(HealthReport))]
public sealed partial class RouterJsonContext : JsonSerializerContext
{
    public static RouterJsonContext Api { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
