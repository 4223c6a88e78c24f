using System.Globalization;
using System.Text;
using Gateway.Pipeline;

namespace Gateway.AnthropicApi;

/// <summary>
/// The Anthropic-format counterpart of <see cref="Streaming.OutputLimitedStream"/>, for Anthropic upstreams whose events
/// are passed through: once the text relayed is well past the cap the budget paid for, the upstream is dropped and
/// the stream ends as Anthropic ends one at its cap: the open block's <c>content_block_stop</c>, <c>message_delta</c>
/// with <c>stop_reason: max_tokens</c> and the booked output tokens, and <c>message_stop</c>.
/// </summary>
internal sealed class OutputLimitedEvents(MessagesEventSource inner, long limitTokens, Func<TokenUsage?, TokenUsage> usageAtCut) : MessagesEventSource
{
    private readonly long _maxBytes = Streaming.OutputLimitedStream.MaxBytesFor(limitTokens);
    private long _bytes;
    private int _openBlock = -1;
    private Queue<byte[]>? _ending;
    private TokenUsage? _cutUsage;
    private ReadOnlyMemory<byte> _current;
    private bool _disposed;

    public override ReadOnlyMemory<byte> Current => _current;
    public override TokenUsage? Usage => _cutUsage ?? inner.Usage;

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        if (_ending is null)
        {
            if (!await inner.ReadAsync(ct)) return false;
            var e = inner.Current;
            Track(e.Span);
            var at = e.Span.IndexOf("data:"u8);
            if (at >= 0) _bytes += GeneratedText.Bytes(e.Span[(at + 5)..]);
            if (_bytes <= _maxBytes)
            {
                _current = e;
                return true;
            }
            _ending = Ending();
            _disposed = true;
            await inner.DisposeAsync(); // stop paying for output nobody will see
        }
        if (!_ending.TryDequeue(out var next)) return false;
        _current = next;
        return true;
    }

    /// <summary>Which content block is open, so the ending can close it.</summary>
    private void Track(ReadOnlySpan<byte> e)
    {
        if (e.StartsWith("event: content_block_stop"u8)) _openBlock = -1;
        else if (e.StartsWith("event: content_block_start"u8) && e.IndexOf("\"index\":"u8) is var i and >= 0)
        {
            var digits = e[(i + 8)..];
            var n = 0;
            var len = 0;
            while (len < digits.Length && char.IsAsciiDigit((char)digits[len])) n = n * 10 + (digits[len++] - '0');
            _openBlock = len > 0 ? n : -1;
        }
    }

    private Queue<byte[]> Ending()
    {
        var usage = usageAtCut(inner.Usage);
        _cutUsage = usage;
        var queue = new Queue<byte[]>();
        if (_openBlock >= 0)
            queue.Enqueue(Event("content_block_stop", $"{{\"type\":\"content_block_stop\",\"index\":{_openBlock.ToString(CultureInfo.InvariantCulture)}}}"));
        queue.Enqueue(Event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":"
            + usage.CompletionTokens.ToString(CultureInfo.InvariantCulture) + "}}"));
        queue.Enqueue(Event("message_stop", "{\"type\":\"message_stop\"}"));
        return queue;
    }

    private static byte[] Event(string name, string data) => MessagesEventWriter.SseEvent(Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(data));

    public override ValueTask DisposeAsync()
    {
        if (_disposed) return ValueTask.CompletedTask;
        _disposed = true;
        return inner.DisposeAsync();
    }
}
