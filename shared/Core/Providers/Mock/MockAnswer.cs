using System.Text.Json;
using Gateway.Chat;

namespace Gateway.Providers.Mock;

/// <summary>What the mock will say to a request: text or tool calls, and the usage it reports. Deterministic.</summary>
internal sealed record MockAnswer(string Model, string? Content, IReadOnlyList<MockToolCall> ToolCalls, int N, TokenUsage Usage)
{
    public string FinishReason => ToolCalls.Count > 0 ? "tool_calls" : "stop";

    public static MockAnswer For(ChatRequest request, string model, string? configured)
    {
        var root = request.Root;
        var toolCalls = ToolCallsFor(root);
        var content = toolCalls.Count > 0 ? null : request.MockResponse ?? configured ?? $"This is a mock response from {model}.";
        var prompt = EstimatePromptTokens(root.GetProperty("messages"));
        var completion = toolCalls.Count > 0 ? toolCalls.Sum(t => Tokens.Estimate(t.Name) + Tokens.Estimate(t.Arguments)) : Tokens.Estimate(content!);
        completion *= request.N;
        return new MockAnswer(model, content, toolCalls, request.N, new TokenUsage(prompt, completion, prompt + completion));
    }

    /// <summary>A tool call is made when the request forces one (<c>tool_choice</c> required or a named function).</summary>
    private static List<MockToolCall> ToolCallsFor(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array || tools.GetArrayLength() == 0) return [];
        if (!root.TryGetProperty("tool_choice", out var choice)) return [];
        string? name = null;
        if (choice.ValueKind == JsonValueKind.String && choice.ValueEquals("required"))
            name = FunctionName(tools[0]);
        else if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var f) && f.TryGetProperty("name", out var n))
            name = n.GetString();
        return name is null ? [] : [new MockToolCall("call_mock_" + name, name, "{}")];
    }

    private static string? FunctionName(JsonElement tool) =>
        tool.TryGetProperty("function", out var f) && f.TryGetProperty("name", out var n) ? n.GetString() : null;

    private static int EstimatePromptTokens(JsonElement messages)
    {
        var tokens = 3;
        foreach (var m in messages.EnumerateArray())
        {
            tokens += 4;
            if (!m.TryGetProperty("content", out var c)) continue;
            if (c.ValueKind == JsonValueKind.String) tokens += Tokens.Estimate(c.GetString()!);
            else if (c.ValueKind == JsonValueKind.Array)
                foreach (var part in c.EnumerateArray())
                    if (part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String) tokens += Tokens.Estimate(t.GetString()!);
                    else tokens += 85; // an image part, at OpenAI's low-detail price
        }
        return tokens;
    }
}

internal sealed record MockToolCall(string Id, string Name, string Arguments);

/// <summary>A rough token count (about four characters a token) for offline answers.</summary>
internal static class Tokens
{
    public static int Estimate(string text) => text.Length == 0 ? 0 : Math.Max(1, (text.Length + 3) / 4);
}
