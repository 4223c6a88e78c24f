using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gateway.Json;

/// <summary><c>GET /v1/models</c>.</summary>
public sealed record ModelList(
    [property: JsonPropertyName("data")] IReadOnlyList<ModelCard> Data)
{
    [JsonPropertyName("object")] public string Object => "list";
}

/// <summary>One entry of <c>/v1/models</c>, and the body of <c>/v1/models/{id}</c>.</summary>
public sealed record ModelCard(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy)
{
    [JsonPropertyName("object")] public string Object => "model";
}

/// <summary><c>GET /model/info</c>: every deployment with its (secret-free) params, LiteLLM's shape.</summary>
public sealed record ModelInfoList([property: JsonPropertyName("data")] IReadOnlyList<ModelInfoEntry> Data);

public sealed record ModelInfoEntry(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("litellm_params"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DeploymentParamsView? LitellmParams,
    [property: JsonPropertyName("model_info")] JsonObject ModelInfo);

/// <summary>The parts of <c>litellm_params</c> that are safe to show: never keys or tokens.</summary>
public sealed record DeploymentParamsView(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("api_base")] string? ApiBase,
    [property: JsonPropertyName("api_version")] string? ApiVersion,
    [property: JsonPropertyName("timeout")] double Timeout,
    [property: JsonPropertyName("max_retries")] int MaxRetries,
    [property: JsonPropertyName("rpm")] int? Rpm,
    [property: JsonPropertyName("tpm")] int? Tpm);

/// <summary><c>GET /health/readiness</c>.</summary>
public sealed record Readiness(
    [property: JsonPropertyName("status")] string Status,
    /// <summary>The stores: <c>connected</c>, <c>connecting</c> or <c>unreachable</c> (LiteLLM's field name).</summary>
    [property: JsonPropertyName("db")] string Db,
    [property: JsonPropertyName("models")] int Models,
    [property: JsonPropertyName("deployments")] int Deployments,
    [property: JsonPropertyName("auth")] string Auth,
    [property: JsonPropertyName("version")] string Version);
