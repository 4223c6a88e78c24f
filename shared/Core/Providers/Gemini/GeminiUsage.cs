using System.Text.Json;
using Gateway.Chat;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Gemini;

/// <summary>
/// Gemini <c>usageMetadata</c> -> OpenAI usage. <c>promptTokenCount</c> already includes <c>cachedContentTokenCount</c>;
/// thought tokens are billed as output, so <c>completion_tokens</c> = candidates + thoughts, with thoughts also shown
/// as <c>reasoning_tokens</c>.
/// </summary>
public static class GeminiUsage
{
    public static TokenUsage Read(JsonElement meta)
    {
        var prompt = JsonBytes.Int(meta, "promptTokenCount") + JsonBytes.Int(meta, "toolUsePromptTokenCount");
        var thoughts = JsonBytes.Int(meta, "thoughtsTokenCount");
        var completion = JsonBytes.Int(meta, "candidatesTokenCount") + thoughts;
        return new TokenUsage(prompt, completion, prompt + completion, JsonBytes.Int(meta, "cachedContentTokenCount"), 0, thoughts);
    }
}
