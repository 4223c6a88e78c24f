using System.Text.Json.Nodes;
using Gateway.Providers.OpenAI;
using Gateway.Routing;

namespace Gateway.Responses;

/// <summary>
/// Which deployments take an OpenAI route (<c>/v1/responses</c>, <c>/v1/completions</c>) natively. With
/// <c>model_info.supported_endpoints</c> set, exactly those listed; without it, the Responses API is native on
/// <c>openai/</c> and <c>azure/</c> (other OpenAI-compatible servers mostly lack it, so they are bridged through chat), and
/// legacy completions on every OpenAI-format server.
/// </summary>
public static class NativeRoute
{
    public const string Responses = "/v1/responses";
    public const string Completions = "/v1/completions";

    public static IOpenAIRoutes? For(Deployment d, string endpoint)
    {
        if (d.Chat is not IOpenAIRoutes routes) return null;
        if (d.Config.ModelInfo["supported_endpoints"] is JsonArray listed)
            return listed.Any(e => e is JsonValue v && v.TryGetValue<string>(out var s) && (s == endpoint || s == endpoint[3..])) ? routes : null;
        return endpoint == Completions || d.Config.Provider is "openai" or "azure" ? routes : null;
    }
}
