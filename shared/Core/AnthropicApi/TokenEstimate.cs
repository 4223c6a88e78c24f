using System.Text.Json;

namespace Gateway.AnthropicApi;

/// <summary>
/// <c>count_tokens</c> for models that are not Anthropic's: an estimate of about four characters of JSON text per
/// token over system, messages and tools, plus a few tokens per message. Anthropic models get Anthropic's own count.
/// </summary>
public static class TokenEstimate
{
    public static int InputTokens(JsonElement root)
    {
        long chars = 0;
        var messages = 0;
        foreach (var name in new[] { "system", "messages", "tools" })
            if (root.TryGetProperty(name, out var v)) chars += Text(v, ref messages);
        return (int)Math.Min(int.MaxValue, (chars + 3) / 4 + 3 * messages);
    }

    private static long Text(JsonElement e, ref int messages)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return e.GetString()!.Length;
            case JsonValueKind.Array:
                long sum = 0;
                foreach (var x in e.EnumerateArray()) sum += Text(x, ref messages);
                return sum;
            case JsonValueKind.Object:
                long total = 0;
                if (e.TryGetProperty("role", out _)) messages++;
                foreach (var p in e.EnumerateObject())
                    if (p.Name is not ("type" or "role" or "cache_control" or "id" or "tool_use_id")) total += Text(p.Value, ref messages) + (p.Value.ValueKind == JsonValueKind.String ? 0 : p.Name.Length);
                return total;
            default:
                return 0;
        }
    }
}
