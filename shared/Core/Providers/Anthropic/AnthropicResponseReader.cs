using System.Text;
using System.Text.Json;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Anthropic;

/// <summary>
/// Anthropic <c>message</c> -> OpenAI <c>chat.completion</c>: text blocks joined into <c>content</c>, thinking into
/// <c>reasoning_content</c>, <c>tool_use</c> blocks into <c>tool_calls</c> (ids kept, input re-serialized as the arguments string).
/// </summary>
public static class AnthropicResponseReader
{
    public static UpstreamResult ToOpenAI(ReadOnlyMemory<byte> body, string deployment, long created, bool structured)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw Errors.UpstreamProtocol(deployment, e.Message);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (!JsonBytes.TryGet(root, "content", JsonValueKind.Array, out var content))
                throw Errors.UpstreamProtocol(deployment, "the message has no content array");
            var text = new StringBuilder();
            var thinking = new StringBuilder();
            var calls = new List<ToolCallOut>();
            foreach (var block in content.EnumerateArray())
            {
                switch (JsonBytes.String(block, "type"))
                {
                    case "text":
                        text.Append(JsonBytes.String(block, "text"));
                        break;
                    case "thinking":
                        thinking.Append(JsonBytes.String(block, "thinking"));
                        break;
                    case "tool_use":
                        var input = block.TryGetProperty("input", out var i) ? i.GetRawText() : "{}";
                        var name = JsonBytes.String(block, "name") ?? "";
                        if (structured && name == AnthropicRequestWriter.StructuredOutputTool) text.Append(input);
                        else calls.Add(new ToolCallOut(JsonBytes.String(block, "id") ?? "", name, input));
                        break;
                }
            }
            var usage = AnthropicUsage.Read(root.TryGetProperty("usage", out var u) ? u : default).ToOpenAI();
            var finish = AnthropicFinishReason.ToOpenAI(JsonBytes.String(root, "stop_reason"), structured && calls.Count == 0);
            var result = new CompletionOut(JsonBytes.String(root, "id") ?? "msg", JsonBytes.String(root, "model") ?? "", created,
                text.ToString(), thinking.Length > 0 ? thinking.ToString() : null, calls, finish, usage);
            return new UpstreamResult(OpenAICompletionWriter.Write(result), usage);
        }
    }
}
