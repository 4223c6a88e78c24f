using System.Text.Json;
using Gateway.Chat;

namespace Gateway.Providers.Bedrock.Converse;

/// <summary>
/// Converse <c>usage</c> in OpenAI's terms: prompt tokens include cache reads and writes (Converse counts them apart
/// from <c>inputTokens</c>), and the cache parts are kept for pricing, 1-hour writes (<c>cacheDetails</c> with
/// <c>ttl: 1h</c>) apart from 5-minute ones.
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
        return new TokenUsage(prompt, output, prompt + output, read, write) { CacheWrite1hTokens = Written1h(usage) };
    }

    private static int Written1h(JsonElement usage)
    {
        if (!usage.TryGetProperty("cacheDetails", out var details) || details.ValueKind != JsonValueKind.Array) return 0;
        var total = 0;
        foreach (var d in details.EnumerateArray())
            if (d.ValueKind == JsonValueKind.Object && d.TryGetProperty("ttl", out var ttl) && ttl.ValueEquals("1h")
                && d.TryGetProperty("inputTokens", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var tokens) && tokens > 0)
                total += tokens;
        return total;
    }
}
