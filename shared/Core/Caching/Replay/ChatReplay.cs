using System.Buffers;
using System.Text.Json;
using Gateway.Providers.Translation;

namespace Gateway.Caching.Replay;

/// <summary>
/// A cached <c>chat.completion</c> replayed as the stream OpenAI would have sent: per choice a role delta, the content
/// (and refusal) in small deltas, each tool call whole, a finish chunk; then the usage chunk when the client asked for
/// it (<c>stream_options.include_usage</c>) and <c>[DONE]</c>.
/// </summary>
public static class ChatReplay
{
    public static byte[] Write(ReadOnlySpan<byte> completion, bool includeUsage)
    {
        var reader = new Utf8JsonReader(completion);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        var id = JsonBytes.String(root, "id") ?? "chatcmpl-cache";
        var model = JsonBytes.String(root, "model") ?? "";
        var created = root.TryGetProperty("created", out var c) && c.TryGetInt64(out var t) ? t : 0;
        var fingerprint = JsonBytes.String(root, "system_fingerprint");
        var head = new Head(id, created, model, fingerprint);
        var sse = new ArrayBufferWriter<byte>(completion.Length * 2 + 256);

        if (JsonBytes.TryGet(root, "choices", JsonValueKind.Array, out var choices))
            foreach (var choice in choices.EnumerateArray())
            {
                var index = JsonBytes.Int(choice, "index");
                var message = choice.TryGetProperty("message", out var m) ? m : default;
                Chunk(sse, head, index, w =>
                {
                    w.WriteString("role", JsonBytes.String(message, "role") ?? "assistant");
                    w.WriteString("content", "");
                }, null);
                foreach (var field in (ReadOnlySpan<string>)["content", "refusal", "reasoning_content"])
                    if (JsonBytes.String(message, field) is { Length: > 0 } text)
                        foreach (var piece in TextPieces.Of(text))
                            Chunk(sse, head, index, w => w.WriteString(field, piece), null);
                if (JsonBytes.TryGet(message, "tool_calls", JsonValueKind.Array, out var calls))
                {
                    var n = 0;
                    foreach (var call in calls.EnumerateArray())
                    {
                        var callIndex = n++;
                        Chunk(sse, head, index, w =>
                        {
                            w.WriteStartArray("tool_calls");
                            w.WriteStartObject();
                            w.WriteNumber("index", callIndex);
                            foreach (var p in call.EnumerateObject()) p.WriteTo(w);
                            w.WriteEndObject();
                            w.WriteEndArray();
                        }, null);
                    }
                }
                Chunk(sse, head, index, _ => { }, JsonBytes.String(choice, "finish_reason") ?? "stop");
            }

        if (includeUsage && root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            Event(sse, JsonBytes.Write((head, usage), static (w, s) =>
            {
                s.head.Start(w);
                w.WriteStartArray("choices");
                w.WriteEndArray();
                w.WritePropertyName("usage");
                s.usage.WriteTo(w);
                w.WriteEndObject();
            }));
        sse.Write("data: [DONE]\n\n"u8);
        return sse.WrittenSpan.ToArray();
    }

    private static void Chunk(ArrayBufferWriter<byte> sse, Head head, int index, Action<Utf8JsonWriter> delta, string? finish) =>
        Event(sse, JsonBytes.Write((head, index, delta, finish), static (w, s) =>
        {
            s.head.Start(w);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", s.index);
            w.WriteStartObject("delta");
            s.delta(w);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            if (s.finish is null) w.WriteNull("finish_reason");
            else w.WriteString("finish_reason", s.finish);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }));

    private static void Event(ArrayBufferWriter<byte> sse, byte[] json)
    {
        sse.Write("data: "u8);
        sse.Write(json);
        sse.Write("\n\n"u8);
    }

    private sealed record Head(string Id, long Created, string Model, string? Fingerprint)
    {
        public void Start(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("id", Id);
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", Created);
            w.WriteString("model", Model);
            if (Fingerprint is not null) w.WriteString("system_fingerprint", Fingerprint);
        }
    }
}
