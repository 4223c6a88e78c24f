using Gateway.Config;
using Gateway.Providers.OpenAI;

namespace Gateway.Providers.Azure;

/// <summary>
/// Azure OpenAI. Two URL shapes: the classic deployment route
/// (<c>{api_base}/openai/deployments/{deployment}/chat/completions?api-version=...</c>) and the v1 route
/// (<c>{api_base}/openai/v1/chat/completions</c>, model in the body), chosen when <c>api_base</c> ends in
/// <c>/openai/v1</c> or <c>api_version</c> is <c>v1</c>/<c>preview</c>/<c>latest</c>. Credentials: the
/// <c>api-key</c> header, a static <c>azure_ad_token</c>, or else an Entra token from the managed identity.
/// </summary>
public sealed class AzureOpenAIEndpoint : IOpenAIEndpoint
{
    /// <summary>Used when neither the deployment nor AZURE_API_VERSION names a version (the latest GA at writing).</summary>
    public const string DefaultApiVersion = "2024-10-21";

    private readonly DeploymentConfig _deployment;
    private readonly AzureTokenSource _tokens;

    public AzureOpenAIEndpoint(DeploymentConfig deployment, AzureTokenSource tokens)
    {
        _deployment = deployment;
        _tokens = tokens;
        var apiBase = deployment.ApiBase!;
        var version = deployment.ApiVersion ?? DefaultApiVersion;
        if (IsV1(apiBase, version))
        {
            var root = apiBase.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase) ? apiBase : apiBase + "/openai/v1";
            ChatCompletions = new Uri(root + "/chat/completions");
            Embeddings = new Uri(root + "/embeddings");
            _route = r => new Uri(root + r);
        }
        else
        {
            var route = $"{apiBase}/openai/deployments/{Uri.EscapeDataString(deployment.UpstreamModel)}";
            var query = "?api-version=" + Uri.EscapeDataString(version);
            ChatCompletions = new Uri(route + "/chat/completions" + query);
            Embeddings = new Uri(route + "/embeddings" + query);
            // Legacy completions live under the deployment; the Responses API under /openai, model in the body.
            _route = r => new Uri((r.StartsWith("/completions", StringComparison.Ordinal) ? route : apiBase + "/openai") + r + query);
        }
    }

    private readonly Func<string, Uri> _route;

    public Uri ChatCompletions { get; }
    public Uri Embeddings { get; }
    public Uri Route(string route) => _route(route);
    public string BodyModel => _deployment.UpstreamModel;

    public static bool IsV1(string apiBase, string? apiVersion) =>
        apiBase.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase) || apiVersion is "v1" or "preview" or "latest";

    public async ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(_deployment.ApiKey))
            request.Headers.TryAddWithoutValidation("api-key", _deployment.ApiKey);
        else if (!string.IsNullOrEmpty(_deployment.AzureAdToken))
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _deployment.AzureAdToken);
        else
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + await _tokens.GetTokenAsync(ct));
        foreach (var (name, value) in _deployment.ExtraHeaders)
            request.Headers.TryAddWithoutValidation(name, value);
    }
}
