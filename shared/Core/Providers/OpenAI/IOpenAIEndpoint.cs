namespace Gateway.Providers.OpenAI;

/// <summary>Where and how to reach an upstream that speaks OpenAI's wire format (OpenAI itself, Azure, vLLM, ...).</summary>
public interface IOpenAIEndpoint
{
    Uri ChatCompletions { get; }
    Uri Embeddings { get; }

    /// <summary>Another route of the same API (<c>/responses</c>, <c>/responses/{id}</c>, <c>/completions</c>), with any query the deployment needs.</summary>
    Uri Route(string route);

    /// <summary>The <c>model</c> value the upstream expects in the body.</summary>
    string BodyModel { get; }

    /// <summary>Adds credentials and fixed headers to an outgoing request.</summary>
    ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken ct);
}
