using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Config;
using Gateway.Embeddings;
using Gateway.Http;

namespace Gateway.Providers.OpenAI;

/// <summary>
/// Adapter for every upstream that speaks OpenAI's wire format. Requests pass through with the model renamed;
/// answers pass back unchanged, with usage read on the way.
/// </summary>
public sealed class OpenAIFamilyProvider(DeploymentConfig deployment, IOpenAIEndpoint endpoint, UpstreamClient client)
    : IChatProvider, IEmbeddingsProvider, IOpenAIRoutes
{
    public bool IsAzure => endpoint is Azure.AzureOpenAIEndpoint;

    public async Task<byte[]> SendAsync(HttpMethod method, string route, JsonElement? body, GatewayRequestFeature timing, CancellationToken ct)
    {
        using var request = await BuildAsync(method, endpoint.Route(route), body is { } b ? OpenAIRequestWriter.Write(b, _model, forceStreamUsage: false) : null, ct);
        return await client.SendAsync(request, deployment, timing, ct);
    }

    public async Task<UpstreamStream> StreamAsync(string route, JsonElement body, bool forceStreamUsage, GatewayRequestFeature timing, CancellationToken ct)
    {
        using var request = await BuildAsync(HttpMethod.Post, endpoint.Route(route), OpenAIRequestWriter.Write(body, _model, forceStreamUsage), ct);
        return await client.OpenStreamAsync(request, deployment, timing, ct);
    }

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly JsonEncodedText _model = JsonEncodedText.Encode(endpoint.BodyModel, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    public async Task<UpstreamResult> CompleteAsync(ChatCall call, CancellationToken ct)
    {
        using var request = await BuildAsync(endpoint.ChatCompletions, OpenAIRequestWriter.Write(call.Request.Root, _model, forceStreamUsage: false), ct);
        var body = await client.SendAsync(request, deployment, call.Timing, ct);
        return new UpstreamResult(body, UsageReader.Read(body).Usage ?? TokenUsage.None);
    }

    public async Task<ChatStream> StreamAsync(ChatCall call, CancellationToken ct)
    {
        using var request = await BuildAsync(endpoint.ChatCompletions, OpenAIRequestWriter.Write(call.Request.Root, _model, forceStreamUsage: true), ct);
        var upstream = await client.OpenStreamAsync(request, deployment, call.Timing, ct);
        return new OpenAIChatStream(upstream);
    }

    public async Task<UpstreamResult> EmbedAsync(EmbeddingsCall call, CancellationToken ct)
    {
        using var request = await BuildAsync(endpoint.Embeddings, OpenAIRequestWriter.Write(call.Request.Root, _model, forceStreamUsage: false), ct);
        var body = await client.SendAsync(request, deployment, call.Timing, ct);
        return new UpstreamResult(body, UsageReader.Read(body).Usage ?? TokenUsage.None);
    }

    private ValueTask<HttpRequestMessage> BuildAsync(Uri uri, byte[] body, CancellationToken ct) => BuildAsync(HttpMethod.Post, uri, body, ct);

    private async ValueTask<HttpRequestMessage> BuildAsync(HttpMethod method, Uri uri, byte[]? body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;
            request.Content = content;
        }
        await endpoint.AuthorizeAsync(request, ct);
        return request;
    }
}

/// <summary>
/// An upstream that speaks OpenAI's routes beyond chat (the Responses API, legacy completions): bodies are spliced as the
/// client wrote them, with only the model renamed and the gateway's directives removed.
/// </summary>
public interface IOpenAIRoutes
{
    /// <summary>Azure OpenAI rather than OpenAI or a compatible server.</summary>
    bool IsAzure { get; }

    /// <summary>Sends <paramref name="body"/> (none for GET and DELETE) to <paramref name="route"/> and returns the whole answer.</summary>
    Task<byte[]> SendAsync(HttpMethod method, string route, JsonElement? body, GatewayRequestFeature timing, CancellationToken ct);

    Task<UpstreamStream> StreamAsync(string route, JsonElement body, bool forceStreamUsage, GatewayRequestFeature timing, CancellationToken ct);
}
