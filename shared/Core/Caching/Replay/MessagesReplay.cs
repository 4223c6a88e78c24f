using System.Buffers;
using System.Text;
using System.Text.Json;
using Gateway.Providers.Translation;

namespace Gateway.Caching.Replay;

/// <summary>
/// A cached Anthropic <c>message</c> replayed as the event stream Anthropic sends: <c>message_start</c>, per content block
/// a start, its deltas (text and thinking in small pieces, a tool call's input as one JSON delta) and a stop, then
/// <c>message_delta</c> with the stop reason and usage, and <c>message_stop</c>.
/// </summary>
public static class MessagesReplay
{
    public static byte[] Write(ReadOnlySpan<byte> message)
    {
        var reader = new Utf8JsonReader(message);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        var sse = new ArrayBufferWriter<byte>(message.Length * 2 + 512);
        var usage = root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;

        Event(sse, "message_start", w =>
        {
            w.WriteStartObject("message");
            foreach (var p in root.EnumerateObject())
            {
                if (p.NameEquals("content")) { w.WriteStartArray("content"); w.WriteEndArray(); }
                else if (p.NameEquals("stop_reason") || p.NameEquals("stop_sequence")) w.WriteNull(p.Name);
                else if (p.NameEquals("usage")) WriteUsage(w, usage, outputTokens: 0);
                else p.WriteTo(w);
            }
            w.WriteEndObject();
        });
        if (JsonBytes.TryGet(root, "content", JsonValueKind.Array, out var blocks))
        {
            var index = 0;
            foreach (var block in blocks.EnumerateArray()) Block(sse, index++, block);
        }
        Event(sse, "message_delta", w =>
        {
            w.WriteStartObject("delta");
            WriteStringOrNull(w, "stop_reason", JsonBytes.String(root, "stop_reason"));
            WriteStringOrNull(w, "stop_sequence", JsonBytes.String(root, "stop_sequence"));
            w.WriteEndObject();
            WriteUsage(w, usage, outputTokens: JsonBytes.Int(usage, "output_tokens"));
        });
        Event(sse, "message_stop", _ => { });
        return sse.WrittenSpan.ToArray();
    }

    private static void Block(ArrayBufferWriter<byte> sse, int index, JsonElement block)
    {
        var type = JsonBytes.String(block, "type");
        Event(sse, "content_block_start", w =>
        {
            w.WriteNumber("index", index);
            w.WriteStartObject("content_block");
            foreach (var p in block.EnumerateObject())
            {
                if (type == "text" && p.NameEquals("text")) w.WriteString("text", "");
                else if (type == "thinking" && p.NameEquals("thinking")) w.WriteString("thinking", "");
                else if (type == "thinking" && p.NameEquals("signature")) continue;
                else if (type == "tool_use" && p.NameEquals("input")) { w.WriteStartObject("input"); w.WriteEndObject(); }
                else p.WriteTo(w);
            }
            w.WriteEndObject();
        });
        switch (type)
        {
            case "text":
                foreach (var piece in TextPieces.Of(JsonBytes.String(block, "text") ?? ""))
                    Delta(sse, index, "text_delta", "text", piece);
                break;
            case "thinking":
                foreach (var piece in TextPieces.Of(JsonBytes.String(block, "thinking") ?? ""))
                    Delta(sse, index, "thinking_delta", "thinking", piece);
                if (JsonBytes.String(block, "signature") is { } signature) Delta(sse, index, "signature_delta", "signature", signature);
                break;
            case "tool_use":
                if (block.TryGetProperty("input", out var input)) Delta(sse, index, "input_json_delta", "partial_json", input.GetRawText());
                break;
        }
        Event(sse, "content_block_stop", w => w.WriteNumber("index", index));
    }

    private static void Delta(ArrayBufferWriter<byte> sse, int index, string type, string field, string value) =>
        Event(sse, "content_block_delta", w =>
        {
            w.WriteNumber("index", index);
            w.WriteStartObject("delta");
            w.WriteString("type", type);
            w.WriteString(field, value);
            w.WriteEndObject();
        });

    private static void WriteUsage(Utf8JsonWriter w, JsonElement usage, int outputTokens)
    {
        w.WriteStartObject("usage");
        if (usage.ValueKind == JsonValueKind.Object)
            foreach (var p in usage.EnumerateObject())
                if (!p.NameEquals("output_tokens")) p.WriteTo(w);
        w.WriteNumber("output_tokens", outputTokens);
        w.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static void Event(ArrayBufferWriter<byte> sse, string name, Action<Utf8JsonWriter> body)
    {
        sse.Write("event: "u8);
        Encoding.UTF8.GetBytes(name, sse);
        sse.Write("\ndata: "u8);
        sse.Write(JsonBytes.Write((name, body), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", s.name);
            s.body(w);
            w.WriteEndObject();
        }));
        sse.Write("\n\n"u8);
    }
}
