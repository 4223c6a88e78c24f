using System.Net.Http.Headers;
using Gateway.Chat;
using Gateway.Config;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Anthropic;

/// <summary>
/// Adapter for Anthropic's Messages API (<c>anthropic/...</c>): translates OpenAI requests and answers both ways,
/// and also forwards Anthropic-format requests from <c>/v1/messages</c> unchanged (<see cref="IAnthropicMessagesUpstream"/>).
/// </summary>
public sealed class AnthropicProvider(DeploymentConfig deployment, UpstreamClient client, TimeProvider time) : IChatProvider, IAnthropicMessagesUpstream
{
    public const string Version = "2023-06-01";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    // api_base may be given with or without the /v1 suffix.
    private readonly string _v1 = deployment.ApiBase!.EndsWith("/v1", StringComparison.Ordinal) ? deployment.ApiBase : deployment.ApiBase + "/v1";

    public string UpstreamModel => deployment.UpstreamModel;

    public async Task<UpstreamResult> CompleteAsync(ChatCall call, CancellationToken ct)
    {
        var root = call.Request.Root;
        using var request = Build("/messages", AnthropicRequestWriter.Write(root, deployment, stream: false), null);
        byte[] body;
        try
        {
            body = await client.SendAsync(request, deployment, call.Timing, ct);
        }
        catch (GatewayException e)
        {
            throw AnthropicErrors.ToOpenAI(e);
        }
        return AnthropicResponseReader.ToOpenAI(body, deployment.Label, time.GetUtcNow().ToUnixTimeSeconds(), AnthropicRequestWriter.IsStructured(root));
    }

    public async Task<ChatStream> StreamAsync(ChatCall call, CancellationToken ct)
    {
        var root = call.Request.Root;
        using var request = Build("/messages", AnthropicRequestWriter.Write(root, deployment, stream: true), null);
        UpstreamStream upstream;
        try
        {
            upstream = await client.OpenStreamAsync(request, deployment, call.Timing, ct);
        }
        catch (GatewayException e)
        {
            throw AnthropicErrors.ToOpenAI(e);
        }
        var chunks = new OpenAIChunkWriter { Created = time.GetUtcNow().ToUnixTimeSeconds(), Model = deployment.UpstreamModel };
        return new AnthropicChatStream(upstream, chunks, AnthropicRequestWriter.IsStructured(root));
    }

    public async Task<byte[]> SendMessagesAsync(byte[] body, string path, string? beta, GatewayRequestFeature timing, CancellationToken ct)
    {
        using var request = Build(path, body, beta);
        return await client.SendAsync(request, deployment, timing, ct);
    }

    public async Task<UpstreamStream> StreamMessagesAsync(byte[] body, string? beta, GatewayRequestFeature timing, CancellationToken ct)
    {
        using var request = Build("/messages", body, beta);
        return await client.OpenStreamAsync(request, deployment, timing, ct);
    }

    /// <summary><c>litellm_params.anthropic_version</c>, else the version the translators are written against.</summary>
    private readonly string _version = deployment.ProviderSettings.GetValueOrDefault("anthropic_version") is { Length: > 0 } v ? v : Version;

    private HttpRequestMessage Build(string path, byte[] body, string? beta)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        var request = new HttpRequestMessage(HttpMethod.Post, _v1 + path) { Content = content };
        if (!string.IsNullOrEmpty(deployment.ApiKey)) request.Headers.TryAddWithoutValidation("x-api-key", deployment.ApiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", _version);
        if (!string.IsNullOrEmpty(beta)) request.Headers.TryAddWithoutValidation("anthropic-beta", beta);
        foreach (var (name, value) in deployment.ExtraHeaders) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}

/// <summary>An upstream that takes Anthropic Messages requests as they are: <c>/v1/messages</c> forwards to it without translation.</summary>
public interface IAnthropicMessagesUpstream
{
    string UpstreamModel { get; }

    /// <summary>POSTs an Anthropic-format body to <paramref name="path"/> under <c>/v1</c> (<c>/messages</c> or <c>/messages/count_tokens</c>).</summary>
    Task<byte[]> SendMessagesAsync(byte[] body, string path, string? beta, GatewayRequestFeature timing, CancellationToken ct);

    Task<UpstreamStream> StreamMessagesAsync(byte[] body, string? beta, GatewayRequestFeature timing, CancellationToken ct);
}
