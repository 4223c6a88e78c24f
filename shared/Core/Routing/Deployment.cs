using Gateway.Config;
using Gateway.Providers;

namespace Gateway.Routing;

/// <summary>A configured deployment with its live adapter.</summary>
public sealed record Deployment(DeploymentConfig Config, IChatProvider Chat, IEmbeddingsProvider? Embeddings);
