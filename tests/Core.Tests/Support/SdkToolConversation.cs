using System.Text;
using OpenAI.Chat;

namespace Gateway.Tests.Support;

/// <summary>
/// The official OpenAI SDK's two-turn tool conversation: ask, receive parallel tool calls, answer each, receive text.
/// Works streamed (tool-call fragments reassembled by index, as SDK users do) and not.
/// </summary>
public static class SdkToolConversation
{
    public static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "Current weather in a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}"""));

    public sealed record Turn(string Text, IReadOnlyList<ChatToolCall> Calls, ChatFinishReason? Finish, ChatTokenUsage? Usage);

    public static async Task<(Turn First, Turn Second)> RunAsync(ChatClient chat, bool stream)
    {
        var options = new ChatCompletionOptions { Tools = { Weather } };
        List<ChatMessage> messages = [new SystemChatMessage("You are terse."), new UserChatMessage("Weather in Paris and Tokyo?")];
        var first = await AskAsync(chat, messages, options, stream);
        messages.Add(new AssistantChatMessage(first.Calls));
        for (var i = 0; i < first.Calls.Count; i++)
            messages.Add(new ToolChatMessage(first.Calls[i].Id, i == 0 ? "18C and sunny" : "25C and humid"));
        var second = await AskAsync(chat, messages, options, stream);
        return (first, second);
    }

    public static async Task<Turn> AskAsync(ChatClient chat, List<ChatMessage> messages, ChatCompletionOptions options, bool stream)
    {
        if (!stream)
        {
            ChatCompletion c = await chat.CompleteChatAsync(messages, options);
            return new Turn(string.Concat(c.Content.Select(p => p.Text)), c.ToolCalls.ToList(), c.FinishReason, c.Usage);
        }
        var text = new StringBuilder();
        var ids = new SortedDictionary<int, string>();
        var names = new SortedDictionary<int, string>();
        var args = new SortedDictionary<int, StringBuilder>();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var u in chat.CompleteChatStreamingAsync(messages, options))
        {
            text.Append(string.Concat(u.ContentUpdate.Select(p => p.Text)));
            foreach (var t in u.ToolCallUpdates)
            {
                if (t.ToolCallId is not null) ids[t.Index] = t.ToolCallId;
                if (t.FunctionName is not null) names[t.Index] = t.FunctionName;
                if (!args.TryGetValue(t.Index, out var sb)) args[t.Index] = sb = new StringBuilder();
                sb.Append(t.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= u.FinishReason;
            usage ??= u.Usage;
        }
        var calls = ids.Keys.Select(i => ChatToolCall.CreateFunctionToolCall(ids[i], names[i], BinaryData.FromString(args[i].ToString()))).ToList();
        return new Turn(text.ToString(), calls, finish, usage);
    }
}
