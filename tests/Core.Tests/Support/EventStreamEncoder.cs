using System.Buffers.Binary;
using System.Text;

namespace Gateway.Tests.Support;

/// <summary>
/// The test side's own event-stream writer, independent of the gateway's decoder: big-endian prelude, headers,
/// payload and two CRC32s computed with a plain bit-by-bit CRC (not System.IO.Hashing, which the gateway uses).
/// </summary>
public static class EventStreamEncoder
{
    public abstract record Header(string Name);
    public sealed record BoolHeader(string Name, bool Value) : Header(Name);
    public sealed record ByteHeader(string Name, sbyte Value) : Header(Name);
    public sealed record ShortHeader(string Name, short Value) : Header(Name);
    public sealed record IntHeader(string Name, int Value) : Header(Name);
    public sealed record LongHeader(string Name, long Value) : Header(Name);
    public sealed record BytesHeader(string Name, byte[] Value) : Header(Name);
    public sealed record StringHeader(string Name, string Value) : Header(Name);
    public sealed record TimestampHeader(string Name, long MillisSinceEpoch) : Header(Name);
    public sealed record UuidHeader(string Name, Guid Value) : Header(Name);

    /// <summary>A Bedrock event frame: <c>:event-type</c>, <c>:content-type</c> JSON, <c>:message-type event</c>.</summary>
    public static byte[] Event(string eventType, string json) => Frame(
        [new StringHeader(":event-type", eventType), new StringHeader(":content-type", "application/json"), new StringHeader(":message-type", "event")],
        Encoding.UTF8.GetBytes(json));

    /// <summary>A Bedrock exception frame, e.g. <c>throttlingException</c> with <c>{"message":...}</c>.</summary>
    public static byte[] Exception(string exceptionType, string message) => Frame(
        [new StringHeader(":exception-type", exceptionType), new StringHeader(":content-type", "application/json"), new StringHeader(":message-type", "exception")],
        Encoding.UTF8.GetBytes($$"""{"message":"{{message}}"}"""));

    public static byte[] Frame(IEnumerable<Header> headers, byte[] payload)
    {
        var h = new MemoryStream();
        foreach (var header in headers) WriteHeader(h, header);
        var headerBytes = h.ToArray();
        var total = 12 + headerBytes.Length + payload.Length + 4;
        var frame = new byte[total];
        BinaryPrimitives.WriteInt32BigEndian(frame, total);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), headerBytes.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), Crc32(frame.AsSpan(0, 8)));
        headerBytes.CopyTo(frame, 12);
        payload.CopyTo(frame, 12 + headerBytes.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(total - 4), Crc32(frame.AsSpan(0, total - 4)));
        return frame;
    }

    private static void WriteHeader(Stream s, Header header)
    {
        var name = Encoding.UTF8.GetBytes(header.Name);
        s.WriteByte((byte)name.Length);
        s.Write(name);
        Span<byte> n = stackalloc byte[16];
        switch (header)
        {
            case BoolHeader b: s.WriteByte(b.Value ? (byte)0 : (byte)1); break;
            case ByteHeader b: s.WriteByte(2); s.WriteByte((byte)b.Value); break;
            case ShortHeader v: s.WriteByte(3); BinaryPrimitives.WriteInt16BigEndian(n, v.Value); s.Write(n[..2]); break;
            case IntHeader v: s.WriteByte(4); BinaryPrimitives.WriteInt32BigEndian(n, v.Value); s.Write(n[..4]); break;
            case LongHeader v: s.WriteByte(5); BinaryPrimitives.WriteInt64BigEndian(n, v.Value); s.Write(n[..8]); break;
            case BytesHeader v: s.WriteByte(6); BinaryPrimitives.WriteUInt16BigEndian(n, (ushort)v.Value.Length); s.Write(n[..2]); s.Write(v.Value); break;
            case StringHeader v:
                var bytes = Encoding.UTF8.GetBytes(v.Value);
                s.WriteByte(7); BinaryPrimitives.WriteUInt16BigEndian(n, (ushort)bytes.Length); s.Write(n[..2]); s.Write(bytes);
                break;
            case TimestampHeader v: s.WriteByte(8); BinaryPrimitives.WriteInt64BigEndian(n, v.MillisSinceEpoch); s.Write(n[..8]); break;
            case UuidHeader v: s.WriteByte(9); v.Value.TryWriteBytes(n, bigEndian: true, out _); s.Write(n[..16]); break;
            default: throw new ArgumentException(header.GetType().Name);
        }
    }

    /// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit by bit: slow, obviously right.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
