using Gateway.Chat;
using Gateway.Http;
using Gateway.Providers;
using Gateway.Providers.Anthropic;
using Gateway.Streaming;

namespace Gateway.AnthropicApi;

/// <summary>Anthropic stream events, each as a whole SSE event (<c>event:</c> and <c>data:</c> lines), one per read.</summary>
public abstract class MessagesEventSource : Streaming.IEventSource, IAsyncDisposable
{
    public abstract ValueTask<bool> ReadAsync(CancellationToken ct);
    public abstract ReadOnlyMemory<byte> Current { get; }

    /// <summary>The usage seen so far in the stream, for settling the caller's budget.</summary>
    public abstract TokenUsage? Usage { get; }

    public abstract ValueTask DisposeAsync();
}

/// <summary>An Anthropic upstream's own events, forwarded as they arrive.</summary>
internal sealed class PassthroughEvents(UpstreamStream upstream) : MessagesEventSource
{
    private readonly UpstreamSse _events = new(upstream);
    private byte[] _current = [];
    private AnthropicUsage? _usage;

    public override ReadOnlyMemory<byte> Current => _current;
    public override TokenUsage? Usage => _usage?.ToOpenAI();

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (true)
        {
            var got = await _events.ReadAsync(ct);
            if (!got) return false;
            if (_events.Data.IsEmpty) continue;
            var name = _events.EventName.IsEmpty ? "message"u8 : _events.EventName;
            if (name.SequenceEqual("message_start"u8) || name.SequenceEqual("message_delta"u8)) _usage = AnthropicUsage.FromEvent(_events.Data.Span, _usage);
            // Anthropic's own error events carry upstream text: they go out redacted, like every upstream error.
            _current = name.SequenceEqual("error"u8)
                ? MessagesEventWriter.SseEvent(name, MessagesErrors.RedactedEventData(_events.Data.Span))
                : MessagesEventWriter.SseEvent(name, _events.Data.Span);
            return true;
        }
    }

    public override ValueTask DisposeAsync() => _events.DisposeAsync();
}

/// <summary>Any other provider's OpenAI chunks, translated into Anthropic events as each chunk arrives.</summary>
internal sealed class TranslatedEvents(ChatStream stream, ChatRequest request, string model) : MessagesEventSource
{
    private readonly MessagesEventWriter _writer = new(model);
    private bool _ended;
    private byte[] _current = [];

    public override ReadOnlyMemory<byte> Current => _current;
    public override TokenUsage? Usage => _writer.Usage;

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (_writer.Events.Count == 0)
        {
            if (_ended) return false;
            if (await stream.ReadAsync(ct)) _writer.Add(stream.Current.Span);
            else
            {
                _ended = true;
                _writer.Finish();
            }
        }
        _current = _writer.Events.Dequeue();
        return true;
    }

    public override async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        request.Dispose();
    }
}
