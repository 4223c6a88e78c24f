using System.Net.Http.Headers;
using System.Security.Cryptography;
using Gateway.Chat;
using Gateway.Config;
using Gateway.Embeddings;
using Gateway.Providers.Bedrock.Converse;
using Gateway.Providers.Bedrock.Embeddings;
using Gateway.Providers.Bedrock.Signing;

namespace Gateway.Providers.Bedrock;

/// <summary>
/// Amazon Bedrock (<c>bedrock/&lt;model id or inference-profile ARN&gt;</c>): chat through Converse and ConverseStream,
/// embeddings through InvokeModel, every call signed with SigV4 using the deployment's or the environment's credentials.
/// </summary>
public sealed class BedrockProvider(DeploymentConfig deployment, BedrockEndpoint endpoint, AwsCredentialSource credentials, UpstreamClient client, TimeProvider time)
    : IChatProvider, IEmbeddingsProvider
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<UpstreamResult> CompleteAsync(ChatCall call, CancellationToken ct)
    {
        using var request = await BuildAsync(endpoint.Converse, ConverseRequestWriter.Write(call.Request.Root, call.Deployment.DropUnsupportedParams), "application/json", ct);
        var body = await client.SendAsync(request, deployment, call.Timing, ct);
        return ConverseResponseReader.Translate(body, NewId(), deployment.UpstreamModel, Now(), deployment.Label, ConverseRequestWriter.UsesJsonTool(call.Request.Root));
    }

    public async Task<ChatStream> StreamAsync(ChatCall call, CancellationToken ct)
    {
        using var request = await BuildAsync(endpoint.ConverseStream, ConverseRequestWriter.Write(call.Request.Root, call.Deployment.DropUnsupportedParams), "application/vnd.amazon.eventstream", ct);
        var upstream = await client.OpenStreamAsync(request, deployment, call.Timing, ct);
        return new BedrockChatStream(upstream, new ConverseStreamTranslator(NewId(), deployment.UpstreamModel, Now(), ConverseRequestWriter.UsesJsonTool(call.Request.Root)));
    }

    public Task<UpstreamResult> EmbedAsync(EmbeddingsCall call, CancellationToken ct) =>
        BedrockEmbeddings.EmbedAsync(call, deployment, (body, token) => BuildAsync(endpoint.Invoke, body, "application/json", token), client, ct);

    /// <summary>A signed POST: extra headers are added first, then SigV4 headers computed over the exact URI and body.</summary>
    private async Task<HttpRequestMessage> BuildAsync(Uri uri, byte[] body, string accept, CancellationToken ct)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Headers.Accept.ParseAdd(accept);
        foreach (var (name, value) in deployment.ExtraHeaders) request.Headers.TryAddWithoutValidation(name, value);
        try
        {
            await BedrockSigner.SignAsync(request, body, credentials.For(deployment), endpoint.Region, BedrockEndpoint.SigningService, ct);
        }
        catch
        {
            request.Dispose();
            throw;
        }
        return request;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeSeconds();

    private static string NewId() => "chatcmpl-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
