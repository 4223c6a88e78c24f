using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Config;

/// <summary>
/// One loopback server answering every provider's wire format at that provider's own paths (OpenAI and Azure chat and
/// embeddings, Anthropic Messages, Gemini generateContent, Bedrock Converse), and the environment that points LiteLLM
/// configs at it the way LiteLLM reads it (<c>OPENAI_API_BASE</c>, <c>AZURE_API_BASE</c>, ...), so the configs stay
/// as the docs write them.
/// </summary>
public sealed class ProviderFakes : IAsyncDisposable
{
    public const string Reply = "Hello from the fake upstream.";
    public const string MasterKey = "sk-1234";

    private ProviderFakes(FakeUpstream up) => Up = up;

    public FakeUpstream Up { get; }

    public static async Task<ProviderFakes> StartAsync() => new(await FakeUpstream.StartAsync(AnswerAsync));

    public Dictionary<string, string> Environment()
    {
        var root = Up.BaseAddress.ToString().TrimEnd('/');
        return new()
        {
            ["OPENAI_API_BASE"] = root + "/v1", ["OPENAI_API_KEY"] = "sk-openai-test",
            ["AZURE_API_BASE"] = root, ["AZURE_API_KEY"] = "azure-test-key",
            ["ANTHROPIC_API_BASE"] = root, ["ANTHROPIC_API_KEY"] = "sk-ant-test",
            ["GEMINI_API_BASE"] = root + "/v1beta", ["GEMINI_API_KEY"] = "AIza-test",
            ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = root, ["AWS_REGION"] = "us-east-1", ["AWS_REGION_NAME"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            ["LITELLM_MASTER_KEY"] = MasterKey,
        };
    }

    /// <summary>The requests that reached the fake for one path fragment (a model or deployment name).</summary>
    public IEnumerable<RecordedRequest> To(string pathPart) => Up.Requests.Where(r => Uri.UnescapeDataString(r.PathAndQuery).Contains(pathPart, StringComparison.Ordinal));

    private static Task AnswerAsync(HttpContext ctx, RecordedRequest r)
    {
        var path = Uri.UnescapeDataString(ctx.Request.Path.Value ?? "");
        if (path.EndsWith("/embeddings", StringComparison.Ordinal))
            return OpenAIWire.WriteJsonAsync(ctx, """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-0.5,0.75]}],"model":"fake","usage":{"prompt_tokens":3,"total_tokens":3}}""");
        if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
            return OpenAIWire.WriteJsonAsync(ctx, OpenAIWire.Completion(Reply));
        if (path.EndsWith("/v1/messages", StringComparison.Ordinal))
            return AnthropicWire.WriteJsonAsync(ctx, AnthropicWire.Message(AnthropicWire.Text(Reply), usage: AnthropicWire.Usage(19, 10)));
        if (path.EndsWith(":generateContent", StringComparison.Ordinal))
            return GeminiWire.WriteJsonAsync(ctx, GeminiWire.Response(GeminiWire.Text(Reply), usage: GeminiWire.Usage(19, 10)));
        if (path.EndsWith("/converse", StringComparison.Ordinal))
            return FakeBedrock.WriteJsonAsync(ctx, BedrockWire.ConverseText(Reply, input: 19, output: 10));
        ctx.Response.StatusCode = 404;
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { message = "no fake for " + path } }));
    }

    public ValueTask DisposeAsync() => Up.DisposeAsync();
}
