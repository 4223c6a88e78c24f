using System.Buffers;

namespace Gateway.Providers.Bedrock.EventStream;

/// <summary>
/// Reads event-stream frames from a byte stream as they arrive, over any chunk boundaries. Both CRCs are checked; a
/// stream that ends inside a frame is an error. The current frame's views stay valid until the next read. Bytes are
/// kept in one pooled buffer that grows only for a frame larger than it, so steady-state decoding allocates nothing.
/// </summary>
public sealed class EventStreamReader(Stream source, int initialBuffer = 16 * 1024) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(initialBuffer);
    private int _start;
    private int _end;
    private int _frameStart;
    private int _frameLength;
    private int _headersLength;
    private Range _eventType, _messageType, _exceptionType, _errorCode, _errorMessage, _contentType;

    /// <summary>The whole current frame, prelude and CRC included.</summary>
    public ReadOnlySpan<byte> Frame => _buffer.AsSpan(_frameStart, _frameLength);
    public ReadOnlySpan<byte> Headers => _buffer.AsSpan(_frameStart + EventStreamFrame.PreludeLength, _headersLength);
    public ReadOnlyMemory<byte> Payload => _buffer.AsMemory(_frameStart + EventStreamFrame.PreludeLength + _headersLength, _frameLength - EventStreamFrame.MinLength - _headersLength);

    /// <summary><c>:event-type</c>, e.g. <c>contentBlockDelta</c> (empty when absent).</summary>
    public ReadOnlySpan<byte> EventType => _buffer.AsSpan(_eventType);

    /// <summary><c>:message-type</c>: <c>event</c>, <c>exception</c> or <c>error</c>.</summary>
    public ReadOnlySpan<byte> MessageType => _buffer.AsSpan(_messageType);
    public ReadOnlySpan<byte> ExceptionType => _buffer.AsSpan(_exceptionType);
    public ReadOnlySpan<byte> ErrorCode => _buffer.AsSpan(_errorCode);
    public ReadOnlySpan<byte> ErrorMessage => _buffer.AsSpan(_errorMessage);
    public ReadOnlySpan<byte> ContentType => _buffer.AsSpan(_contentType);

    public bool IsEvent => MessageType.IsEmpty || MessageType.SequenceEqual("event"u8);

    /// <summary>Advances to the next frame; false at a clean end of stream.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        _start += _frameLength;
        _frameLength = 0;
        while (true)
        {
            if (TryTakeFrame()) return true;
            var read = await source.ReadAsync(MakeRoom(), ct);
            if (read == 0)
            {
                if (_end == _start) return false;
                throw new EventStreamFormatException($"the event stream ended inside a frame ({_end - _start} bytes left over)");
            }
            _end += read;
        }
    }

    /// <summary>Synchronous twin of <see cref="ReadAsync"/> for in-memory sources (benchmarks, tests).</summary>
    public bool Read()
    {
        _start += _frameLength;
        _frameLength = 0;
        while (true)
        {
            if (TryTakeFrame()) return true;
            var read = source.Read(MakeRoom().Span);
            if (read == 0)
            {
                if (_end == _start) return false;
                throw new EventStreamFormatException($"the event stream ended inside a frame ({_end - _start} bytes left over)");
            }
            _end += read;
        }
    }

    private bool TryTakeFrame()
    {
        var available = _end - _start;
        if (available < EventStreamFrame.PreludeLength) return false;
        var (total, headers) = EventStreamFrame.ReadPrelude(_buffer.AsSpan(_start, EventStreamFrame.PreludeLength));
        if (available < total)
        {
            EnsureCapacity(total);
            return false;
        }
        var frame = _buffer.AsSpan(_start, total);
        EventStreamFrame.CheckMessageCrc(frame);
        _frameStart = _start;
        _frameLength = total;
        _headersLength = headers;
        IndexHeaders();
        return true;
    }

    /// <summary>Remembers where the headers the gateway acts on sit, as ranges into the buffer (no strings).</summary>
    private void IndexHeaders()
    {
        _eventType = _messageType = _exceptionType = _errorCode = _errorMessage = _contentType = default;
        var offset = _frameStart + EventStreamFrame.PreludeLength;
        var block = _buffer.AsSpan(offset, _headersLength);
        var reader = new EventStreamHeaderReader(block);
        while (reader.TryRead(out var h))
        {
            if (h.Type != EventStreamHeaderType.String) continue;
            var at = offset + (int)OffsetOf(block, h.Value);
            var range = new Range(at, at + h.Value.Length);
            if (h.Name.SequenceEqual(":event-type"u8)) _eventType = range;
            else if (h.Name.SequenceEqual(":message-type"u8)) _messageType = range;
            else if (h.Name.SequenceEqual(":exception-type"u8)) _exceptionType = range;
            else if (h.Name.SequenceEqual(":error-code"u8)) _errorCode = range;
            else if (h.Name.SequenceEqual(":error-message"u8)) _errorMessage = range;
            else if (h.Name.SequenceEqual(":content-type"u8)) _contentType = range;
        }
    }

    private static long OffsetOf(ReadOnlySpan<byte> outer, ReadOnlySpan<byte> inner) =>
        System.Runtime.CompilerServices.Unsafe.ByteOffset(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(outer),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(inner));

    /// <summary>Free space after the buffered bytes; compacts first so a frame never straddles the buffer's end.</summary>
    private Memory<byte> MakeRoom()
    {
        if (_start > 0 && (_end == _buffer.Length || _start == _end))
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) EnsureCapacity(_buffer.Length * 2);
        return _buffer.AsMemory(_end);
    }

    private void EnsureCapacity(int frameLength)
    {
        if (_buffer.Length - _start >= frameLength) return;
        if (_buffer.Length >= frameLength)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
            return;
        }
        var bigger = _buffer.Length;
        while (bigger < frameLength) bigger *= 2;
        var next = ArrayPool<byte>.Shared.Rent(bigger);
        Buffer.BlockCopy(_buffer, _start, next, 0, _end - _start);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
        _end -= _start;
        _start = 0;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _start = _end = _frameLength = 0;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
