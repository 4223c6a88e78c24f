using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Config;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Gemini;

/// <summary>
/// Adapter for Google AI Studio's Gemini API (<c>gemini/...</c>): <c>POST {base}/models/{model}:generateContent</c>, and
/// <c>:streamGenerateContent?alt=sse</c> for streams, with the key in <c>x-goog-api-key</c>.
/// </summary>
public sealed partial class GeminiProvider(DeploymentConfig deployment, UpstreamClient client, TimeProvider time) : IChatProvider
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly string _model = VersionedBase(deployment.ApiBase!) + "/models/" + Uri.EscapeDataString(deployment.UpstreamModel);

    /// <summary>An <c>api_base</c> given without an API version (e.g. a proxy's root) gets <c>/v1beta</c>, the version AI Studio serves.</summary>
    private static string VersionedBase(string apiBase) => EndsWithVersion().IsMatch(apiBase) ? apiBase : apiBase + "/v1beta";

    // Source-generated: a regex built at run time would bring the whole regex engine into the binary.
    [System.Text.RegularExpressions.GeneratedRegex(@"/v\d+(alpha|beta)?$")]
    private static partial System.Text.RegularExpressions.Regex EndsWithVersion();

    public async Task<UpstreamResult> CompleteAsync(ChatCall call, CancellationToken ct)
    {
        using var request = Build(_model + ":generateContent", GeminiRequestWriter.Write(call.Request.Root, deployment));
        byte[] body;
        try
        {
            body = await client.SendAsync(request, deployment, call.Timing, ct);
        }
        catch (GatewayException e)
        {
            throw GeminiErrors.ToOpenAI(e);
        }
        GeminiAnswer a;
        try
        {
            using var doc = JsonDocument.Parse(body);
            a = GeminiAnswer.Read(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw Errors.UpstreamProtocol(deployment.Label, e.Message);
        }
        var usage = a.Usage ?? TokenUsage.None;
        var result = new CompletionOut(a.Id ?? "chatcmpl-gemini", a.Model ?? deployment.UpstreamModel, time.GetUtcNow().ToUnixTimeSeconds(),
            a.Text, a.Reasoning.Length > 0 ? a.Reasoning : null, a.Calls, a.FinishReason ?? "stop", usage);
        return new UpstreamResult(OpenAICompletionWriter.Write(result), usage);
    }

    public async Task<ChatStream> StreamAsync(ChatCall call, CancellationToken ct)
    {
        using var request = Build(_model + ":streamGenerateContent?alt=sse", GeminiRequestWriter.Write(call.Request.Root, deployment));
        UpstreamStream upstream;
        try
        {
            upstream = await client.OpenStreamAsync(request, deployment, call.Timing, ct);
        }
        catch (GatewayException e)
        {
            throw GeminiErrors.ToOpenAI(e);
        }
        return new GeminiChatStream(upstream, new OpenAIChunkWriter { Created = time.GetUtcNow().ToUnixTimeSeconds(), Model = deployment.UpstreamModel });
    }

    private HttpRequestMessage Build(string uri, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        if (!string.IsNullOrEmpty(deployment.ApiKey)) request.Headers.TryAddWithoutValidation("x-goog-api-key", deployment.ApiKey);
        foreach (var (name, value) in deployment.ExtraHeaders) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
