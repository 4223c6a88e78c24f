namespace Gateway.Tests.Streaming;

/// <summary>A read-only stream that hands out its bytes in pieces whose sizes come from <c>nextSize</c>.</summary>
internal sealed class ChunkedStream(byte[] data, Func<int> nextSize) : Stream
{
    private int _position;

    public int Reads { get; private set; }

    public static ChunkedStream Fixed(byte[] data, int size) => new(data, () => size);

    public static ChunkedStream Random(byte[] data, int seed, int maxSize)
    {
        var random = new Random(seed);
        return new(data, () => random.Next(1, maxSize + 1));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        var n = Math.Min(Math.Min(nextSize(), buffer.Length), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
