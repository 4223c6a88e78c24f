using System.Buffers;
using System.Text.Json;
using Gateway.Chat;

namespace Gateway.Providers.Bedrock.Converse;

/// <summary>
/// Turns ConverseStream events into OpenAI <c>chat.completion.chunk</c> JSON, one event at a time as it arrives.
/// Tool-use blocks are numbered in order of appearance as OpenAI tool-call indexes. <c>messageStop</c> gives the
/// finish reason; <c>metadata</c> gives a final usage-only chunk (<c>choices: []</c>) that the relay shows only when asked.
/// Unknown events and fields (such as the <c>p</c> padding) are ignored.
/// </summary>
public sealed class ConverseStreamTranslator(string id, string model, long created, bool jsonTool = false)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer = new(Stream.Null);
    private readonly Dictionary<int, int> _toolIndexByBlock = [];

    /// <summary>The block of a forced <c>json_response</c> tool: its input is streamed as content.</summary>
    private int _jsonBlock = -1;

    public TokenUsage? Usage { get; private set; }
    public string? StopReason { get; private set; }

    /// <summary>The chunk written by the last successful <see cref="Translate"/>; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Chunk => _buffer.WrittenMemory;

    /// <summary>Translates one event; false when it yields no chunk (block stops, unknown events).</summary>
    public bool Translate(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        using var doc = JsonDocument.ParseValue(ref reader);
        var e = doc.RootElement;
        if (e.ValueKind != JsonValueKind.Object) return false;
        if (eventType.SequenceEqual("contentBlockDelta"u8)) return Delta(e);
        if (eventType.SequenceEqual("messageStart"u8)) return Emit(w => w.WriteString("role", "assistant"), null, w => w.WriteString("content", ""));
        if (eventType.SequenceEqual("contentBlockStart"u8)) return Start(e);
        if (eventType.SequenceEqual("messageStop"u8))
        {
            StopReason = e.TryGetProperty("stopReason", out var s) ? s.GetString() : null;
            var finish = StopReason == "tool_use" && _jsonBlock >= 0 && _toolIndexByBlock.Count == 0 ? "stop" : StopReasons.ToFinishReason(StopReason);
            return Emit(null, finish);
        }
        if (eventType.SequenceEqual("metadata"u8) && e.TryGetProperty("usage", out var u))
        {
            var usage = ConverseUsage.Read(u);
            Usage = usage;
            return Write(w =>
            {
                w.WriteStartArray("choices");
                w.WriteEndArray();
                Translation.OpenAIUsageWriter.Write(w, usage);
            });
        }
        return false;
    }

    private bool Start(JsonElement e)
    {
        if (!e.TryGetProperty("start", out var start) || !start.TryGetProperty("toolUse", out var tu)) return false;
        var block = BlockIndex(e);
        if (jsonTool && tu.TryGetProperty("name", out var n) && n.ValueEquals(ConverseToolWriter.JsonToolName))
        {
            _jsonBlock = block;
            return false;
        }
        var index = _toolIndexByBlock.Count;
        _toolIndexByBlock[block] = index;
        return Emit(w =>
        {
            w.WriteStartArray("tool_calls");
            w.WriteStartObject();
            w.WriteNumber("index", index);
            w.WriteString("id", tu.GetProperty("toolUseId").GetString());
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", tu.GetProperty("name").GetString());
            w.WriteString("arguments", "");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }, null);
    }

    private bool Delta(JsonElement e)
    {
        if (!e.TryGetProperty("delta", out var delta)) return false;
        // The hot paths (text, tool input, reasoning) copy the JSON string straight across: no closures, no strings.
        if (delta.TryGetProperty("text", out var text)) return StringDelta("content"u8, text);
        if (delta.TryGetProperty("toolUse", out var json) && _jsonBlock >= 0 && BlockIndex(e) == _jsonBlock)
            return json.TryGetProperty("input", out var ji) && ji.ValueKind == JsonValueKind.String && StringDelta("content"u8, ji);
        if (delta.TryGetProperty("toolUse", out var tu) && _toolIndexByBlock.TryGetValue(BlockIndex(e), out var index))
        {
            if (!tu.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.String) return false;
            BeginDelta();
            _writer.WriteStartArray("tool_calls"u8);
            _writer.WriteStartObject();
            _writer.WriteNumber("index"u8, index);
            _writer.WriteStartObject("function"u8);
            _writer.WritePropertyName("arguments"u8);
            input.WriteTo(_writer);
            _writer.WriteEndObject();
            _writer.WriteEndObject();
            _writer.WriteEndArray();
            return EndDelta(null);
        }
        if (delta.TryGetProperty("reasoningContent", out var r))
        {
            if (r.TryGetProperty("text", out var rt)) return StringDelta("reasoning_content"u8, rt);
            if (r.TryGetProperty("signature", out var sig))
                return Emit(w =>
                {
                    // LiteLLM's shape for Anthropic thinking signatures, so clients can send the block back.
                    w.WriteStartArray("thinking_blocks");
                    w.WriteStartObject();
                    w.WriteString("type", "thinking");
                    w.WriteString("thinking", "");
                    w.WriteString("signature", sig.GetString());
                    w.WriteEndObject();
                    w.WriteEndArray();
                }, null);
        }
        return false;
    }

    private static int BlockIndex(JsonElement e) =>
        e.TryGetProperty("contentBlockIndex", out var i) && i.TryGetInt32(out var n) ? n : 0;

    private bool StringDelta(ReadOnlySpan<byte> field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String) return false;
        BeginDelta();
        _writer.WritePropertyName(field);
        value.WriteTo(_writer);
        return EndDelta(null);
    }

    private bool Emit(Action<Utf8JsonWriter>? delta, string? finishReason, Action<Utf8JsonWriter>? more = null)
    {
        BeginDelta();
        delta?.Invoke(_writer);
        more?.Invoke(_writer);
        return EndDelta(finishReason);
    }

    private void BeginDelta()
    {
        BeginChunk();
        _writer.WriteStartArray("choices"u8);
        _writer.WriteStartObject();
        _writer.WriteNumber("index"u8, 0);
        _writer.WriteStartObject("delta"u8);
    }

    private bool EndDelta(string? finishReason)
    {
        _writer.WriteEndObject();
        if (finishReason is null) _writer.WriteNull("finish_reason"u8);
        else _writer.WriteString("finish_reason"u8, finishReason);
        _writer.WriteEndObject();
        _writer.WriteEndArray();
        return EndChunk();
    }

    private bool Write(Action<Utf8JsonWriter> body)
    {
        BeginChunk();
        body(_writer);
        return EndChunk();
    }

    private readonly JsonEncodedText _id = JsonEncodedText.Encode(id);
    private readonly JsonEncodedText _model = JsonEncodedText.Encode(model);

    private void BeginChunk()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("id"u8, _id);
        _writer.WriteString("object"u8, "chat.completion.chunk"u8);
        _writer.WriteNumber("created"u8, created);
        _writer.WriteString("model"u8, _model);
    }

    private bool EndChunk()
    {
        _writer.WriteEndObject();
        _writer.Flush();
        return true;
    }
}
