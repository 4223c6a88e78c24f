using System.Buffers;

namespace Gateway.Streaming;

/// <summary>
/// Incremental Server-Sent Events parser over a byte stream. Each <see cref="ReadEventAsync"/> returns one event
/// as soon as its closing blank line has arrived; <see cref="Data"/> and <see cref="EventName"/> stay valid until the
/// next call. Multi-line data fields are joined with '\n' as the SSE spec says; comments and id/retry are ignored.
/// </summary>
public sealed class SseReader : IDisposable
{
    private const int InitialBuffer = 16 * 1024;
    private const int MaxEventBytes = 16 * 1024 * 1024;

    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _data = new(4096);
    private readonly ArrayBufferWriter<byte> _event = new(64);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    private int _start;
    private int _end;
    private bool _eof;
    private bool _bomChecked;

    public SseReader(Stream stream) => _stream = stream;

    public ReadOnlyMemory<byte> Data => _data.WrittenMemory;

    /// <summary>The <c>event:</c> field of the current event, empty when absent.</summary>
    public ReadOnlySpan<byte> EventName => _event.WrittenSpan;

    public async ValueTask<bool> ReadEventAsync(CancellationToken ct)
    {
        _data.ResetWrittenCount();
        _event.ResetWrittenCount();
        var hasField = false;
        var hasData = false;
        while (true)
        {
            // Lines end in LF, CRLF or a lone CR (all three are SSE line endings).
            var pending = _buffer.AsSpan(_start, _end - _start);
            var eol = pending.IndexOfAny((byte)'\n', (byte)'\r');
            if (eol < 0 || (pending[eol] == (byte)'\r' && eol == pending.Length - 1 && !_eof))
            {
                // No complete line yet (a CR at the very end may still be followed by its LF).
                if (_eof)
                {
                    // Lenient on purpose: a server that closes without the final blank line still gets its last event delivered.
                    if (!pending.IsEmpty) ProcessLine(pending, ref hasField, ref hasData);
                    _start = _end;
                    return hasField;
                }
                await FillAsync(ct);
                continue;
            }
            var line = pending[..eol];
            var terminator = pending[eol] == (byte)'\r' && eol + 1 < pending.Length && pending[eol + 1] == (byte)'\n' ? 2 : 1;
            _start += eol + terminator;
            if (line.IsEmpty)
            {
                if (hasField) return true;
                continue;
            }
            ProcessLine(line, ref hasField, ref hasData);
        }
    }

    private void ProcessLine(ReadOnlySpan<byte> line, ref bool hasField, ref bool hasData)
    {
        if (line[0] == (byte)':') return;
        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? ReadOnlySpan<byte>.Empty : line[(colon + 1)..];
        if (value.Length > 0 && value[0] == (byte)' ') value = value[1..];
        if (field.SequenceEqual("data"u8))
        {
            if (hasData) _data.Write("\n"u8);
            if (_data.WrittenCount + value.Length > MaxEventBytes) throw new InvalidDataException("SSE event larger than 16 MiB");
            _data.Write(value);
            hasData = true;
            hasField = true;
        }
        else if (field.SequenceEqual("event"u8))
        {
            _event.ResetWrittenCount();
            _event.Write(value);
            hasField = true;
        }
    }

    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxEventBytes) throw new InvalidDataException("SSE line larger than 16 MiB");
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        var n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct);
        if (n == 0) _eof = true;
        _end += n;
        if (!_bomChecked && (_end >= 3 || _eof))
        {
            // The SSE spec allows one UTF-8 byte order mark at the very start; it is not part of the first field.
            _bomChecked = true;
            if (_buffer.AsSpan(0, _end).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) _start = 3;
        }
    }

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null!);
        if (b is not null) ArrayPool<byte>.Shared.Return(b);
    }
}
