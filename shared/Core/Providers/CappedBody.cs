using System.Buffers;

namespace Gateway.Providers;

/// <summary>
/// Reads an upstream body into memory with a size cap, so an upstream (or something posing as one) cannot make the
/// gateway buffer without bound. A declared Content-Length over the cap fails before reading; a chunked body fails as
/// soon as the count passes it.
/// </summary>
public static class CappedBody
{
    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> bytes (reading stops there).</summary>
    public static async Task<byte[]?> ReadAsync(Stream body, long? contentLength, long limit, CancellationToken ct)
    {
        if (contentLength > limit) return null;
        var buffer = new ArrayBufferWriter<byte>(contentLength is > 0 and var n ? (int)n : 16 * 1024);
        while (true)
        {
            var read = await body.ReadAsync(buffer.GetMemory(16 * 1024), ct);
            if (read == 0) return buffer.WrittenSpan.ToArray();
            buffer.Advance(read);
            if (buffer.WrittenCount > limit) return null;
        }
    }

    /// <summary>At most the first <paramref name="limit"/> bytes; the rest is left unread (error bodies need no more).</summary>
    public static async Task<byte[]> ReadPrefixAsync(Stream body, int limit, CancellationToken ct)
    {
        var buffer = new byte[limit];
        var total = 0;
        while (total < limit)
        {
            var read = await body.ReadAsync(buffer.AsMemory(total), ct);
            if (read == 0) break;
            total += read;
        }
        return buffer.AsSpan(0, total).ToArray();
    }
}
