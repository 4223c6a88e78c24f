using System.Text.Json.Nodes;

namespace Gateway.Config;

/// <summary>One <c>model_list</c> entry: a public model name served by one upstream deployment.</summary>
public sealed class DeploymentConfig
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Position in <c>model_list</c>, used to name the entry in messages.</summary>
    public int Index { get; init; }

    /// <summary>The name clients send as <c>model</c> (the model group).</summary>
    public required string ModelName { get; init; }

    /// <summary>Provider prefix of <c>litellm_params.model</c>, e.g. <c>openai</c>, <c>azure</c>, <c>mock</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>The model (or Azure deployment) name the upstream expects, i.e. the part after the prefix.</summary>
    public required string UpstreamModel { get; init; }

    public string? ApiBase { get; init; }
    public string? ApiKey { get; init; }
    public string? ApiVersion { get; init; }
    public string? Organization { get; init; }
    public string? AzureAdToken { get; init; }
    public string? MockResponse { get; init; }
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>For streams: the longest silence allowed between chunks (<c>stream_timeout</c>; defaults to <see cref="Timeout"/>).</summary>
    public TimeSpan? StreamTimeout { get; init; }
    public int MaxRetries { get; init; }
    public int? Rpm { get; init; }
    public int? Tpm { get; init; }
    /// <summary>Load-balancing weight; when absent, <c>rpm</c> is the weight, else all deployments weigh the same.</summary>
    public double? Weight { get; init; }

    /// <summary>simple-shuffle's weight: <c>weight</c>, else <c>rpm</c>, else <c>tpm</c>, else 1 (all equal).</summary>
    public double EffectiveWeight => Weight ?? Rpm ?? Tpm ?? 1;

    /// <summary><c>tags</c>: what this deployment serves under tag routing; <c>default</c> marks the one for untagged calls.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary><c>order</c>: LiteLLM's deployment priority tier (1 first); a tier is used only when every lower one is unavailable.</summary>
    public int? Order { get; init; }
    public IReadOnlyDictionary<string, string> ExtraHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>Provider-specific <c>litellm_params</c> not modelled above (e.g. <c>aws_region_name</c>).</summary>
    public IReadOnlyDictionary<string, string> ProviderSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The client's <c>anthropic-beta</c> header may reach this deployment (<c>forward_client_headers_to_llm_api</c>).</summary>
    public bool ForwardClientHeaders { get; private set; }

    public DeploymentConfig WithForwardedClientHeaders()
    {
        var copy = (DeploymentConfig)MemberwiseClone();
        copy.ForwardClientHeaders = true;
        return copy;
    }

    /// <summary>OpenAI request params from <c>litellm_params</c> (<c>temperature</c>, <c>max_tokens</c>, ...), sent when the client leaves them out.</summary>
    public JsonObject DefaultParams { get; init; } = new();

    /// <summary>Gemini's <c>safety_settings</c> (<c>[{category, threshold}]</c>), sent when the request carries none.</summary>
    public JsonArray? SafetySettings { get; init; }

    /// <summary><c>additional_drop_params</c>: top-level request fields never sent to this deployment.</summary>
    public IReadOnlyList<string> DropParams { get; init; } = [];

    /// <summary><c>drop_params</c> (its own, else <c>litellm_settings.drop_params</c>): leave out what the provider cannot take instead of refusing the call.</summary>
    public bool DropUnsupportedParams { get; init; }

    /// <summary><c>model_info</c> as given, shown by <c>/model/info</c>.</summary>
    public JsonObject ModelInfo { get; init; } = new();

    /// <summary>Stable id for this deployment: <c>model_info.id</c> if given, else derived from its position.</summary>
    public string Id => ModelInfo["id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : $"{ModelName}#{Index}";

    public string Describe() => $"model_list[{Index}] ('{ModelName}')";

    /// <summary>How errors name this deployment to clients: the public name and the provider route, never the URL or key.</summary>
    public string Label => $"{ModelName} ({Provider}/{UpstreamModel})";
}
