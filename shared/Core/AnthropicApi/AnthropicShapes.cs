using System.Text.Json;
using Gateway.Chat;
using Gateway.Providers.Anthropic;

namespace Gateway.AnthropicApi;

/// <summary>Pieces of Anthropic's response format shared by whole answers and stream events.</summary>
internal static class AnthropicShapes
{
    /// <summary>Anthropic's <c>usage</c>: <c>input_tokens</c> excludes cache reads and writes, which are reported apart.</summary>
    public static void WriteUsage(Utf8JsonWriter w, TokenUsage u)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", Math.Max(0, u.PromptTokens - u.CachedTokens - u.CacheWriteTokens));
        w.WriteNumber("cache_creation_input_tokens", u.CacheWriteTokens);
        w.WriteNumber("cache_read_input_tokens", u.CachedTokens);
        w.WriteNumber("output_tokens", u.CompletionTokens);
        w.WriteEndObject();
    }

    public static string MessageId(string? openAIId) =>
        openAIId is { Length: > 0 } id ? (id.StartsWith("msg_", StringComparison.Ordinal) ? id : "msg_" + id) : "msg_gateway";

    public static string StopReason(string? finish) => AnthropicFinishReason.FromOpenAI(finish);
}
