using System.Text.Json;

namespace Gateway.Tokens;

/// <summary>
/// The prompt tokens of a request body, counted with a model's own tokenizer the way OpenAI's cookbook ("How to count
/// tokens with tiktoken") does for chat models: every message costs 3 tokens plus the tokens of each of its string
/// values (role, content, name), a name 1 more, and the reply is primed with 3. Content parts count their text;
/// <c>system</c>, <c>instructions</c>, <c>input</c> and <c>prompt</c> count their text; tools count their JSON. Images,
/// audio and files are not counted (their cost is not a function of the body's text); a number in a prompt array is a
/// token id and counts one.
/// </summary>
public static class PromptTokens
{
    private const int PerMessage = 3;
    private const int PerName = 1;
    private const int ReplyPriming = 3;

    public static int Count(JsonElement root, ITokenCounter tokens)
    {
        if (root.ValueKind != JsonValueKind.Object) return 0;
        long total = 0;
        var chat = false;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            chat = true;
            foreach (var message in messages.EnumerateArray()) total += Message(message, tokens);
        }
        foreach (var name in (ReadOnlySpan<string>)["system", "instructions", "input", "prompt"])
            if (root.TryGetProperty(name, out var v)) total += Text(v, tokens, ref chat);
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0)
            total += tokens.Count(Raw(tools));
        if (chat) total += ReplyPriming;
        return (int)Math.Min(int.MaxValue, total);
    }

    private static long Message(JsonElement message, ITokenCounter tokens)
    {
        if (message.ValueKind != JsonValueKind.Object) return 0;
        long total = PerMessage;
        var chat = true;
        foreach (var p in message.EnumerateObject())
        {
            switch (p.Name)
            {
                case "name" when p.Value.ValueKind == JsonValueKind.String:
                    total += PerName + tokens.Count(p.Value.GetString());
                    break;
                case "tool_calls" or "function_call":
                    total += tokens.Count(Raw(p.Value));
                    break;
                default:
                    total += Text(p.Value, tokens, ref chat);
                    break;
            }
        }
        return total;
    }

    /// <summary>The text of a string, of content parts, or of Responses-style input items (each item a message).</summary>
    private static long Text(JsonElement e, ITokenCounter tokens, ref bool chat)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return tokens.Count(e.GetString());
            case JsonValueKind.Array:
                long sum = 0;
                foreach (var x in e.EnumerateArray())
                {
                    if (x.ValueKind == JsonValueKind.Object && x.TryGetProperty("role", out _))
                    {
                        chat = true;
                        sum += Message(x, tokens);
                    }
                    else sum += Text(x, tokens, ref chat);
                }
                return sum;
            case JsonValueKind.Object:
                long part = 0;
                foreach (var name in (ReadOnlySpan<string>)["text", "content", "arguments", "output"])
                    if (e.TryGetProperty(name, out var v)) part += Text(v, tokens, ref chat);
                return part;
            case JsonValueKind.Number:
                return 1; // a token id (embeddings and completions take prompts as token arrays)
            default:
                return 0;
        }
    }

    private static string Raw(JsonElement e) => e.GetRawText();
}
