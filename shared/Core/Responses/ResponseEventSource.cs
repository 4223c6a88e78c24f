using Gateway.Chat;
using Gateway.Providers;

namespace Gateway.Responses;

/// <summary>Responses API stream events, each as a whole SSE event (<c>event:</c> and <c>data:</c> lines), one per read.</summary>
internal abstract class ResponseEventSource : Streaming.IEventSource, IAsyncDisposable
{
    public abstract ValueTask<bool> ReadAsync(CancellationToken ct);
    public abstract ReadOnlyMemory<byte> Current { get; }

    /// <summary>The usage seen so far, for settling the caller's budget.</summary>
    public abstract TokenUsage? Usage { get; }

    /// <summary>The current event ends the response (<c>response.completed</c>, <c>.incomplete</c> or <c>.failed</c>).</summary>
    public abstract bool AtEnd { get; }

    /// <summary>The next free <c>sequence_number</c>, for an error event the gateway adds.</summary>
    public abstract int NextSequence { get; }

    public abstract ValueTask DisposeAsync();
}

/// <summary>Any provider's chat chunks, turned into Responses events as each chunk arrives.</summary>
internal sealed class BridgedEvents(ChatStream stream, ChatRequest request, ResponseEventWriter writer, Pipeline.OutputProgress progress) : ResponseEventSource
{
    private bool _ended;
    private byte[] _current = [];

    public ResponseEventWriter Writer => writer;
    public override ReadOnlyMemory<byte> Current => _current;
    public override TokenUsage? Usage => writer.Usage;
    public override bool AtEnd => _ended && writer.Events.Count == 0;
    public override int NextSequence => writer.NextSequence;

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (writer.Events.Count == 0)
        {
            if (_ended) return false;
            if (await stream.ReadAsync(ct))
            {
                progress.Observe(stream.Current.Span); // the chat text, for an estimate if the stream breaks off unreported
                writer.Add(stream.Current.Span);
            }
            else
            {
                _ended = true;
                writer.Finish();
            }
        }
        _current = writer.Events.Dequeue();
        return true;
    }

    public override async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        request.Dispose();
    }
}

/// <summary>An OpenAI-native upstream's own events, forwarded as they arrive; usage and the response id are read on the way.</summary>
internal sealed class NativeEvents(UpstreamStream upstream) : ResponseEventSource
{
    private readonly UpstreamSse _events = new(upstream);
    private byte[] _current = [];
    private TokenUsage? _usage;
    private int _next;
    private bool _atEnd;

    public string? ResponseId { get; private set; }
    public override ReadOnlyMemory<byte> Current => _current;
    public override TokenUsage? Usage => _usage;
    public override bool AtEnd => _atEnd;
    public override int NextSequence => _next;

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (true)
        {
            if (!await _events.ReadAsync(ct)) return false;
            var data = _events.Data.Span;
            if (data.IsEmpty || data.SequenceEqual("[DONE]"u8)) continue;
            var facts = NativeResponseFacts.Read(data);
            if (facts.Sequence is { } n) _next = n + 1;
            if (facts.Usage is { } u) _usage = u;
            ResponseId ??= facts.ResponseId;
            _atEnd = facts.Terminal;
            var name = _events.EventName.IsEmpty ? facts.Type ?? "message" : System.Text.Encoding.UTF8.GetString(_events.EventName);
            _current = ResponseEventWriter.SseEvent(name, data);
            return true;
        }
    }

    public override ValueTask DisposeAsync() => _events.DisposeAsync();
}
