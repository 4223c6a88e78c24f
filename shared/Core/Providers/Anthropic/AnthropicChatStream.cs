using System.Text.Json;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Providers.Translation;
using Gateway.Streaming;

namespace Gateway.Providers.Anthropic;

/// <summary>
/// Anthropic Messages SSE -> OpenAI chunks, one upstream event at a time (nothing is buffered beyond the event read).
/// message_start gives the role chunk; text/thinking/input_json deltas become content, reasoning and tool-argument
/// fragments; each tool_use block gets its own tool-call <c>index</c> with id and name in its first fragment;
/// message_delta gives the finish reason; message_stop the usage-only chunk. <c>ping</c> is skipped; an <c>error</c>
/// event is thrown as a <see cref="GatewayException"/> (the relay shows it to the client as an error event).
/// </summary>
internal sealed class AnthropicChatStream(UpstreamStream upstream, OpenAIChunkWriter chunks, bool structured) : ChatStream
{
    private readonly UpstreamSse _events = new(upstream);
    private readonly Dictionary<int, int> _toolIndexByBlock = [];
    private readonly HashSet<int> _structuredBlocks = [];
    private AnthropicUsage _usage;
    private int _tools;
    private bool _stopped;
    private byte[] _current = [];

    public override ReadOnlyMemory<byte> Current => _current;

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (!_stopped)
        {
            var got = await _events.ReadAsync(ct);
            if (!got) throw Errors.UpstreamUnreachable(_events.Upstream.Deployment.Label, "the stream ended before message_stop");
            if (_events.Data.IsEmpty) continue;
            if (Translate() is { } chunk)
            {
                _current = chunk;
                return true;
            }
        }
        return false;
    }

    private byte[]? Translate()
    {
        using (var doc = _events.ParseData())
        {
            var e = doc.RootElement;
            switch (JsonBytes.String(e, "type"))
            {
                case "message_start":
                    var message = e.GetProperty("message");
                    chunks.Id = JsonBytes.String(message, "id") ?? chunks.Id;
                    chunks.Model = JsonBytes.String(message, "model") ?? chunks.Model;
                    _usage = AnthropicUsage.Read(message.TryGetProperty("usage", out var u) ? u : default);
                    return chunks.Role();
                case "content_block_start":
                    return BlockStart(JsonBytes.Int(e, "index"), e.GetProperty("content_block"));
                case "content_block_delta":
                    return Delta(JsonBytes.Int(e, "index"), e.GetProperty("delta"));
                case "message_delta":
                    if (e.TryGetProperty("usage", out var du)) _usage = _usage.Update(du);
                    var stop = e.TryGetProperty("delta", out var d) ? JsonBytes.String(d, "stop_reason") : null;
                    return stop is null ? null : chunks.Finish(AnthropicFinishReason.ToOpenAI(stop, structured && _tools == 0));
                case "message_stop":
                    _stopped = true;
                    return chunks.Usage(_usage.ToOpenAI());
                case "error":
                    throw AnthropicErrors.FromEvent(_events.Data.Span);
                default:
                    return null; // ping, content_block_stop, and event types added later
            }
        }
    }

    private byte[]? BlockStart(int block, JsonElement b)
    {
        if (JsonBytes.String(b, "type") != "tool_use") return null; // text and thinking arrive as deltas
        var name = JsonBytes.String(b, "name") ?? "";
        if (structured && name == AnthropicRequestWriter.StructuredOutputTool)
        {
            _structuredBlocks.Add(block);
            return null;
        }
        var index = _tools++;
        _toolIndexByBlock[block] = index;
        return chunks.ToolCallStart(index, JsonBytes.String(b, "id") ?? "", name);
    }

    private byte[]? Delta(int block, JsonElement d)
    {
        switch (JsonBytes.String(d, "type"))
        {
            case "text_delta" when JsonBytes.String(d, "text") is { Length: > 0 } text:
                return chunks.Content(text);
            case "thinking_delta" when JsonBytes.String(d, "thinking") is { Length: > 0 } thinking:
                return chunks.Reasoning(thinking);
            case "input_json_delta" when JsonBytes.String(d, "partial_json") is { Length: > 0 } json:
                if (_structuredBlocks.Contains(block)) return chunks.Content(json);
                return _toolIndexByBlock.TryGetValue(block, out var index) ? chunks.ToolCallArguments(index, json) : null;
            default:
                return null; // signature_delta and empty fragments carry nothing an OpenAI client can use
        }
    }

    public override ValueTask DisposeAsync() => _events.DisposeAsync();
}
