using Gateway.Config;

namespace Gateway.Providers.OpenAI;

/// <summary>OpenAI's API, or any OpenAI-compatible server at <c>api_base</c> (the base ends in <c>/v1</c> or its equivalent).</summary>
public sealed class OpenAIEndpoint(DeploymentConfig deployment) : IOpenAIEndpoint
{
    public Uri ChatCompletions { get; } = new(deployment.ApiBase + "/chat/completions");
    public Uri Embeddings { get; } = new(deployment.ApiBase + "/embeddings");
    public Uri Route(string route) => new(deployment.ApiBase + route);
    public string BodyModel => deployment.UpstreamModel;

    private readonly string? _authorization = string.IsNullOrEmpty(deployment.ApiKey) ? null : "Bearer " + deployment.ApiKey;

    public ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (_authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        if (!string.IsNullOrEmpty(deployment.Organization))
            request.Headers.TryAddWithoutValidation("OpenAI-Organization", deployment.Organization);
        foreach (var (name, value) in deployment.ExtraHeaders)
            request.Headers.TryAddWithoutValidation(name, value);
        return ValueTask.CompletedTask;
    }
}
