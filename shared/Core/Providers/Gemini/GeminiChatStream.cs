using System.Text.Json;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Providers.Translation;
using Gateway.Streaming;

namespace Gateway.Providers.Gemini;

/// <summary>
/// Gemini <c>streamGenerateContent?alt=sse</c> -> OpenAI chunks, one upstream event at a time. Each event becomes one
/// chunk carrying its text, thoughts (<c>reasoning_content</c>), whole function calls (Gemini sends a call complete,
/// so id, name and arguments travel in one fragment, each call with its own <c>index</c>) and finish reason. When the
/// upstream ends, the usage-only chunk follows with the last <c>usageMetadata</c> seen.
/// </summary>
internal sealed class GeminiChatStream(UpstreamStream upstream, OpenAIChunkWriter chunks) : ChatStream
{
    private readonly UpstreamSse _events = new(upstream);
    private TokenUsage? _usage;
    private int _tools;
    private bool _roleSent;
    private bool _ended;
    private bool _done;
    private byte[] _current = [];

    public override ReadOnlyMemory<byte> Current => _current;

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (!_done)
        {
            var got = await _events.ReadAsync(ct);
            if (!got)
            {
                _done = true;
                if (!_ended) throw Errors.UpstreamUnreachable(_events.Upstream.Deployment.Label, "the stream ended without a finish reason");
                if (_usage is not { } u) return false;
                _current = chunks.Usage(u);
                return true;
            }
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
            if (JsonBytes.TryGet(doc.RootElement, "error", JsonValueKind.Object, out var error)) throw GeminiErrors.FromEvent(error);
            var a = GeminiAnswer.Read(doc.RootElement);
            if (a.Usage is { } u) _usage = u;
            if (a.Id is { } id) chunks.Id = id;
            if (a.Model is { } model) chunks.Model = model;
            var first = _tools;
            _tools += a.Calls.Count;
            var finish = a.FinishReason == "stop" && _tools > 0 ? "tool_calls" : a.FinishReason;
            if (finish is not null) _ended = true;
            var sendRole = !_roleSent;
            _roleSent = true;
            if (!sendRole && a.Text.Length == 0 && a.Reasoning.Length == 0 && a.Calls.Count == 0 && finish is null) return null;
            return chunks.Choice((a, first, sendRole), static (w, s) =>
            {
                if (s.sendRole) w.WriteString("role", "assistant");
                if (s.a.Text.Length > 0 || s.sendRole) w.WriteString("content", s.a.Text);
                if (s.a.Reasoning.Length > 0) w.WriteString("reasoning_content", s.a.Reasoning);
                if (s.a.Calls.Count == 0) return;
                w.WriteStartArray("tool_calls");
                var i = s.first;
                foreach (var c in s.a.Calls)
                {
                    w.WriteStartObject();
                    w.WriteNumber("index", i++);
                    w.WriteString("id", c.Id);
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", c.Name);
                    w.WriteString("arguments", c.Arguments);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }, finish);
        }
    }

    public override ValueTask DisposeAsync() => _events.DisposeAsync();
}
