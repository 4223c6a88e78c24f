using System.Text.Json;
using Gateway.Chat;

namespace Gateway.Providers.Translation;

/// <summary>
/// Writes OpenAI's <c>usage</c> object. <c>prompt_tokens</c> already includes cache reads and writes; the parts are
/// kept in <c>prompt_tokens_details</c> (<c>cache_creation_tokens</c> is the name <see cref="UsageReader"/> reads for pricing).
/// </summary>
public static class OpenAIUsageWriter
{
    public static void Write(Utf8JsonWriter w, TokenUsage u)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", u.PromptTokens);
        w.WriteNumber("completion_tokens", u.CompletionTokens);
        w.WriteNumber("total_tokens", u.TotalTokens);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", u.CachedTokens);
        w.WriteNumber("cache_creation_tokens", u.CacheWriteTokens);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", u.ReasoningTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
