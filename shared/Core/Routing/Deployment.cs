using Gateway.Config;
using Gateway.Providers;
using Gateway.Routing.Cooldowns;

namespace Gateway.Routing;

/// <summary>A configured deployment with its live adapter, its load as this instance sees it, and its circuit breaker.</summary>
public sealed record Deployment(DeploymentConfig Config, IChatProvider Chat, IEmbeddingsProvider? Embeddings)
{
    /// <summary>Calls in flight, latency and this minute's usage (per instance: latency is never shared).</summary>
    public DeploymentLoad Load { get; } = new();

    /// <summary>Set when the deployment joins its group; a group of one gets a breaker that never opens.</summary>
    public CircuitBreaker Breaker { get; internal set; } = CircuitBreaker.Disabled;

    /// <summary><c>model_info.max_input_tokens</c>, for pre-call checks; null when not given.</summary>
    public int? MaxInputTokens { get; } = ReadInt(Config.ModelInfo["max_input_tokens"]);

    /// <summary><c>litellm_params.tags</c> (or <c>model_info.tags</c>), for tag routing.</summary>
    public IReadOnlyList<string> Tags { get; } = Config.Tags;

    /// <summary>A whole number however the config wrote it (YAML numbers arrive as long or double, os.environ values as text).</summary>
    private static int? ReadInt(System.Text.Json.Nodes.JsonNode? node) =>
        node is System.Text.Json.Nodes.JsonValue v
        && double.TryParse(v.ToJsonString().Trim('"'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
        && d is >= 0 and <= int.MaxValue ? (int)d : null;
}
