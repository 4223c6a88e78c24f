using Gateway.Chat;
using Gateway.Config;
using Gateway.Http;

namespace Gateway.Providers;

/// <summary>One attempt of a chat request against one deployment.</summary>
public sealed record ChatCall(ChatRequest Request, DeploymentConfig Deployment, GatewayRequestFeature Timing);
