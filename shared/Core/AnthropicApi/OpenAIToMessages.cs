using System.Text.Json;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.AnthropicApi;

/// <summary>
/// An OpenAI <c>chat.completion</c> -> an Anthropic <c>message</c>: reasoning as a thinking block, text as a text block,
/// tool calls as <c>tool_use</c> blocks (arguments parsed back into <c>input</c>), finish reason as <c>stop_reason</c>.
/// The model is reported as the name the client asked for.
/// </summary>
public static class OpenAIToMessages
{
    public static byte[] Write(ReadOnlyMemory<byte> completion, string model, string deployment)
    {
        using var doc = Parse(completion, deployment);
        var root = doc.RootElement;
        var usage = UsageReader.Read(completion.Span).Usage ?? TokenUsage.None;
        var choice = JsonBytes.TryGet(root, "choices", JsonValueKind.Array, out var choices) && choices.GetArrayLength() > 0 ? choices[0] : default;
        var message = choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("message", out var m) ? m : default;
        return JsonBytes.Write((root, message, choice, model, usage), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("id", AnthropicShapes.MessageId(JsonBytes.String(s.root, "id")));
            w.WriteString("type", "message");
            w.WriteString("role", "assistant");
            w.WriteString("model", s.model);
            w.WriteStartArray("content");
            if (JsonBytes.String(s.message, "reasoning_content") is { Length: > 0 } reasoning)
            {
                w.WriteStartObject();
                w.WriteString("type", "thinking");
                w.WriteString("thinking", reasoning);
                w.WriteString("signature", "");
                w.WriteEndObject();
            }
            if (JsonBytes.String(s.message, "content") is { Length: > 0 } text)
            {
                w.WriteStartObject();
                w.WriteString("type", "text");
                w.WriteString("text", text);
                w.WriteEndObject();
            }
            if (JsonBytes.TryGet(s.message, "tool_calls", JsonValueKind.Array, out var calls))
                foreach (var c in calls.EnumerateArray())
                {
                    var f = c.TryGetProperty("function", out var fn) ? fn : default;
                    w.WriteStartObject();
                    w.WriteString("type", "tool_use");
                    w.WriteString("id", JsonBytes.String(c, "id"));
                    w.WriteString("name", JsonBytes.String(f, "name"));
                    w.WritePropertyName("input");
                    WriteInput(w, JsonBytes.String(f, "arguments"));
                    w.WriteEndObject();
                }
            w.WriteEndArray();
            w.WriteString("stop_reason", AnthropicShapes.StopReason(JsonBytes.String(s.choice, "finish_reason")));
            w.WriteNull("stop_sequence");
            AnthropicShapes.WriteUsage(w, s.usage);
            w.WriteEndObject();
        });
    }

    /// <summary>Arguments are a JSON string in OpenAI's form; a model that wrote broken JSON gets its text kept under <c>_raw</c>.</summary>
    public static void WriteInput(Utf8JsonWriter w, string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            w.WriteStartObject();
            w.WriteEndObject();
            return;
        }
        try
        {
            using var args = JsonDocument.Parse(arguments);
            if (args.RootElement.ValueKind == JsonValueKind.Object)
            {
                args.RootElement.WriteTo(w);
                return;
            }
        }
        catch (JsonException)
        {
        }
        w.WriteStartObject();
        w.WriteString("_raw", arguments);
        w.WriteEndObject();
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
