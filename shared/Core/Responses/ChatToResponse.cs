using System.Text.Json;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Responses;

/// <summary>
/// An OpenAI <c>chat.completion</c> -> a Responses API <c>response</c>: reasoning as a <c>reasoning</c> item with its summary,
/// text as a <c>message</c> item, each tool call as a <c>function_call</c> item; <c>finish_reason: length</c> as an
/// <c>incomplete</c> response. The items are returned too, for the stored conversation.
/// </summary>
internal static class ChatToResponse
{
    public static (byte[] Body, IReadOnlyList<OutputItem> Items) Write(ReadOnlyMemory<byte> completion, ResponseHeader header, string deployment)
    {
        using var doc = Parse(completion, deployment);
        var root = doc.RootElement;
        var usage = UsageReader.Read(completion.Span).Usage ?? TokenUsage.None;
        var choice = JsonBytes.TryGet(root, "choices", JsonValueKind.Array, out var choices) && choices.GetArrayLength() > 0 ? choices[0] : default;
        var message = choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("message", out var m) ? m : default;
        var items = new List<OutputItem>();
        var suffix = header.Id[(header.Id.IndexOf('_') + 1)..];
        if (JsonBytes.String(message, "reasoning_content") is { Length: > 0 } reasoning)
            items.Add(With(new OutputItem("reasoning", $"rs_{suffix}{items.Count}"), reasoning));
        if (JsonBytes.String(message, "content") is { Length: > 0 } text)
            items.Add(With(new OutputItem("message", $"msg_{suffix}{items.Count}"), text));
        if (JsonBytes.TryGet(message, "tool_calls", JsonValueKind.Array, out var calls))
            foreach (var c in calls.EnumerateArray())
            {
                var f = c.TryGetProperty("function", out var fn) ? fn : default;
                items.Add(With(new OutputItem("function_call", $"fc_{suffix}{items.Count}")
                {
                    CallId = JsonBytes.String(c, "id") ?? $"call_{suffix}{items.Count}",
                    Name = JsonBytes.String(f, "name") ?? "",
                }, JsonBytes.String(f, "arguments") ?? "{}"));
            }
        var (status, reason) = ResponseShapes.StatusOf(JsonBytes.String(choice, "finish_reason"));
        return (ResponseShapes.Response(header, status, items, usage, reason), items);
    }

    private static OutputItem With(OutputItem item, string text)
    {
        item.Text.Append(text);
        return item;
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> body, string deployment)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw Errors.UpstreamProtocol(deployment, e.Message);
        }
    }
}
