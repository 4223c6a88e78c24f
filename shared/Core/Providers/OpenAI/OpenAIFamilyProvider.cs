using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Config;
using Gateway.Embeddings;

namespace Gateway.Providers.OpenAI;

/// <summary>
/// Adapter for every upstream that speaks OpenAI's wire format. Requests pass through with the model renamed;
/// answers pass back unchanged, with usage read on the way.
/// </summary>
public sealed class OpenAIFamilyProvider(DeploymentConfig deployment, IOpenAIEndpoint endpoint, UpstreamClient client)
    : IChatProvider, IEmbeddingsProvider
{
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

    private async ValueTask<HttpRequestMessage> BuildAsync(Uri uri, byte[] body, CancellationToken ct)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        await endpoint.AuthorizeAsync(request, ct);
        return request;
    }
}
