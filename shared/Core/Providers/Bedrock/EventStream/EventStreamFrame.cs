using System.Buffers.Binary;
using System.IO.Hashing;

namespace Gateway.Providers.Bedrock.EventStream;

/// <summary>A frame of <c>application/vnd.amazon.eventstream</c> that cannot be trusted (bad length or CRC, cut short).</summary>
public sealed class EventStreamFormatException(string message) : Exception(message);

/// <summary>
/// The binary frame layout, all big-endian: total length (4), headers length (4), prelude CRC32 (4), headers,
/// payload, message CRC32 (4) over everything before it.
/// </summary>
public static class EventStreamFrame
{
    public const int PreludeLength = 12;
    public const int MinLength = PreludeLength + 4;

    /// <summary>AWS caps a message at 16 MB of payload and 128 KB of headers; anything larger is corruption.</summary>
    public const int MaxLength = 16 * 1024 * 1024 + 128 * 1024 + MinLength;

    /// <summary>Reads and checks the prelude; returns the frame's total length and its headers length.</summary>
    public static (int Total, int HeadersLength) ReadPrelude(ReadOnlySpan<byte> prelude)
    {
        var total = BinaryPrimitives.ReadUInt32BigEndian(prelude);
        var headers = BinaryPrimitives.ReadUInt32BigEndian(prelude[4..]);
        var crc = BinaryPrimitives.ReadUInt32BigEndian(prelude[8..]);
        if (Crc32.HashToUInt32(prelude[..8]) != crc)
            throw new EventStreamFormatException("event-stream prelude CRC mismatch");
        if (total < MinLength || total > MaxLength)
            throw new EventStreamFormatException($"event-stream frame length {total} is out of range");
        if (headers > total - MinLength)
            throw new EventStreamFormatException($"event-stream headers length {headers} exceeds the frame");
        return ((int)total, (int)headers);
    }

    /// <summary>Checks the trailing CRC of a whole frame.</summary>
    public static void CheckMessageCrc(ReadOnlySpan<byte> frame)
    {
        var expected = BinaryPrimitives.ReadUInt32BigEndian(frame[^4..]);
        if (Crc32.HashToUInt32(frame[..^4]) != expected)
            throw new EventStreamFormatException("event-stream message CRC mismatch");
    }
}
