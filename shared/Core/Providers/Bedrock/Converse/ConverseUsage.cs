using System.Text.Json;
using Gateway.Chat;

namespace Gateway.Providers.Bedrock.Converse;

/// <summary>
/// Converse <c>usage</c> in OpenAI's terms: prompt tokens include cache reads and writes (Converse counts them apart
/// from <c>inputTokens</c>), and the cache parts are kept for pricing.
/// </summary>
public static class ConverseUsage
{
    public static TokenUsage Read(JsonElement usage)
    {
        int Get(string name) => usage.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : 0;
        var input = Get("inputTokens");
        var output = Get("outputTokens");
        var read = Get("cacheReadInputTokens");
        var write = Get("cacheWriteInputTokens");
        var prompt = input + read + write;
        return new TokenUsage(prompt, output, prompt + output, read, write);
    }
}
