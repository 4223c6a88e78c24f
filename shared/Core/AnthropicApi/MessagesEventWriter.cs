using System.Text;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Providers.Translation;

namespace Gateway.AnthropicApi;

/// <summary>
/// OpenAI chunks -> Anthropic stream events, one chunk at a time: <c>message_start</c> before the first block, one
/// content block per run of text, reasoning or tool call (<c>content_block_start</c>, deltas, <c>content_block_stop</c>),
/// then, when the stream ends, <c>message_delta</c> with the stop reason and usage, and <c>message_stop</c>.
/// </summary>
internal sealed class MessagesEventWriter(string model)
{
    private enum Block { None, Text, Thinking, Tool }

    private readonly Queue<byte[]> _events = new();
    private Block _open;
    private int _index = -1;
    private int _toolIndex = -1;
    private bool _started;
    private string? _finish;
    private TokenUsage _usage;

    public Queue<byte[]> Events => _events;
    public TokenUsage? Usage => _usage.IsKnown ? _usage : null;

    public void Add(ReadOnlySpan<byte> chunk)
    {
        var facts = UsageReader.Read(chunk);
        if (facts.Usage is { } u) _usage = u;
        var reader = new Utf8JsonReader(chunk);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        Start(JsonBytes.String(root, "id"));
        if (!JsonBytes.TryGet(root, "choices", JsonValueKind.Array, out var choices) || choices.GetArrayLength() == 0) return;
        var choice = choices[0];
        if (JsonBytes.String(choice, "finish_reason") is { } finish) _finish = finish;
        if (!JsonBytes.TryGet(choice, "delta", JsonValueKind.Object, out var delta)) return;
        if (JsonBytes.String(delta, "reasoning_content") is { Length: > 0 } thinking)
        {
            Open(Block.Thinking, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
            Delta("thinking_delta", "thinking", thinking);
        }
        if (JsonBytes.String(delta, "content") is { Length: > 0 } text)
        {
            Open(Block.Text, "{\"type\":\"text\",\"text\":\"\"}");
            Delta("text_delta", "text", text);
        }
        if (JsonBytes.TryGet(delta, "tool_calls", JsonValueKind.Array, out var calls))
            foreach (var call in calls.EnumerateArray())
            {
                var index = JsonBytes.Int(call, "index");
                var f = call.TryGetProperty("function", out var fn) ? fn : default;
                if (_open != Block.Tool || index != _toolIndex)
                {
                    _toolIndex = index;
                    var start = JsonBytes.Write((JsonBytes.String(call, "id") ?? $"toolu_{index}", JsonBytes.String(f, "name") ?? ""), static (w, s) =>
                    {
                        w.WriteStartObject();
                        w.WriteString("type", "tool_use");
                        w.WriteString("id", s.Item1);
                        w.WriteString("name", s.Item2);
                        w.WriteStartObject("input");
                        w.WriteEndObject();
                        w.WriteEndObject();
                    });
                    Open(Block.Tool, Encoding.UTF8.GetString(start), force: true);
                }
                if (JsonBytes.String(f, "arguments") is { Length: > 0 } args) Delta("input_json_delta", "partial_json", args);
            }
    }

    /// <summary>Closes the message once the OpenAI stream has ended.</summary>
    public void Finish()
    {
        Start(null);
        Close();
        Emit("message_delta", JsonBytes.Write((_finish, _usage), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "message_delta");
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", AnthropicShapes.StopReason(s._finish));
            w.WriteNull("stop_sequence");
            w.WriteEndObject();
            AnthropicShapes.WriteUsage(w, s._usage);
            w.WriteEndObject();
        }));
        Emit("message_stop", "{\"type\":\"message_stop\"}"u8.ToArray());
    }

    private void Start(string? id)
    {
        if (_started) return;
        _started = true;
        Emit("message_start", JsonBytes.Write((AnthropicShapes.MessageId(id), model), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "message_start");
            w.WriteStartObject("message");
            w.WriteString("id", s.Item1);
            w.WriteString("type", "message");
            w.WriteString("role", "assistant");
            w.WriteString("model", s.model);
            w.WriteStartArray("content");
            w.WriteEndArray();
            w.WriteNull("stop_reason");
            w.WriteNull("stop_sequence");
            AnthropicShapes.WriteUsage(w, TokenUsage.None);
            w.WriteEndObject();
            w.WriteEndObject();
        }));
    }

    private void Open(Block kind, string contentBlock, bool force = false)
    {
        if (_open == kind && !force) return;
        Close();
        _open = kind;
        _index++;
        Emit("content_block_start", Encoding.UTF8.GetBytes($"{{\"type\":\"content_block_start\",\"index\":{_index},\"content_block\":{contentBlock}}}"));
    }

    private void Close()
    {
        if (_open == Block.None) return;
        Emit("content_block_stop", Encoding.UTF8.GetBytes($"{{\"type\":\"content_block_stop\",\"index\":{_index}}}"));
        _open = Block.None;
    }

    private void Delta(string type, string field, string value) => Emit("content_block_delta", JsonBytes.Write((_index, type, field, value), static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteString("type", "content_block_delta");
        w.WriteNumber("index", s._index);
        w.WriteStartObject("delta");
        w.WriteString("type", s.type);
        w.WriteString(s.field, s.value);
        w.WriteEndObject();
        w.WriteEndObject();
    }));

    private void Emit(string name, byte[] data) => _events.Enqueue(SseEvent(name, data));

    public static byte[] SseEvent(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data) =>
        [.. "event: "u8, .. name, .. "\ndata: "u8, .. data, .. "\n\n"u8];

    private static byte[] SseEvent(string name, byte[] data) => SseEvent(Encoding.UTF8.GetBytes(name), data);
}
