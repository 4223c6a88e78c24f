using System.Text.Json;
using Gateway.Chat;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Anthropic;

/// <summary>
/// Anthropic's usage counts. Its <c>input_tokens</c> excludes cache reads and writes, so OpenAI's <c>prompt_tokens</c>
/// is the sum of the three; reads become <c>cached_tokens</c>, writes <c>cache_creation_tokens</c> (priced differently).
/// Writes to the 1-hour cache (<c>cache_creation.ephemeral_1h_input_tokens</c>) are kept apart: they cost more.
/// </summary>
public readonly record struct AnthropicUsage(int Input, int Output, int CacheRead, int CacheWrite, int CacheWrite1h = 0)
{
    public static AnthropicUsage Read(JsonElement usage) => new(
        JsonBytes.Int(usage, "input_tokens"), JsonBytes.Int(usage, "output_tokens"),
        JsonBytes.Int(usage, "cache_read_input_tokens"), JsonBytes.Int(usage, "cache_creation_input_tokens"), Written1h(usage, 0));

    /// <summary>A later report (message_delta) overrides the counts it carries; the rest stay from message_start.</summary>
    public AnthropicUsage Update(JsonElement usage) => new(
        Pick(usage, "input_tokens", Input), Pick(usage, "output_tokens", Output),
        Pick(usage, "cache_read_input_tokens", CacheRead), Pick(usage, "cache_creation_input_tokens", CacheWrite), Written1h(usage, CacheWrite1h));

    private static int Written1h(JsonElement usage, int current) =>
        usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty("cache_creation", out var c) ? Pick(c, "ephemeral_1h_input_tokens", current) : current;

    private static int Pick(JsonElement usage, string name, int current) =>
        usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : current;

    /// <summary>The usage of a whole Anthropic message body (for answers forwarded untranslated).</summary>
    public static TokenUsage? FromMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            return JsonBytes.TryGet(doc.RootElement, "usage", JsonValueKind.Object, out var u) ? Read(u).ToOpenAI() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Folds the usage of a <c>message_start</c> or <c>message_delta</c> event into what was known.</summary>
    public static AnthropicUsage? FromEvent(ReadOnlySpan<byte> data, AnthropicUsage? known)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            using var doc = JsonDocument.ParseValue(ref reader);
            var e = doc.RootElement;
            if (JsonBytes.TryGet(e, "message", JsonValueKind.Object, out var m) && JsonBytes.TryGet(m, "usage", JsonValueKind.Object, out var mu)) return Read(mu);
            if (JsonBytes.TryGet(e, "usage", JsonValueKind.Object, out var du)) return (known ?? default).Update(du);
        }
        catch (JsonException)
        {
        }
        return known;
    }

    public TokenUsage ToOpenAI()
    {
        var prompt = Input + CacheRead + CacheWrite;
        return new TokenUsage(prompt, Output, prompt + Output, CacheRead, CacheWrite) { CacheWrite1hTokens = CacheWrite1h };
    }
}
