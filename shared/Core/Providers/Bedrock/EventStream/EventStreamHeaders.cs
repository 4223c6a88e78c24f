using System.Buffers.Binary;

namespace Gateway.Providers.Bedrock.EventStream;

/// <summary>The header value types of the event-stream encoding.</summary>
public enum EventStreamHeaderType : byte
{
    BoolTrue = 0,
    BoolFalse = 1,
    Byte = 2,
    Int16 = 3,
    Int32 = 4,
    Int64 = 5,
    ByteArray = 6,
    String = 7,
    Timestamp = 8,
    Uuid = 9,
}

/// <summary>One header as views into the frame: the name, the type and the raw value bytes (big-endian for numbers).</summary>
public readonly ref struct EventStreamHeader(ReadOnlySpan<byte> name, EventStreamHeaderType type, ReadOnlySpan<byte> value)
{
    public ReadOnlySpan<byte> Name { get; } = name;
    public EventStreamHeaderType Type { get; } = type;
    public ReadOnlySpan<byte> Value { get; } = value;

    public bool AsBool => Type == EventStreamHeaderType.BoolTrue;
    public long AsInt64 => Type switch
    {
        EventStreamHeaderType.Byte => (sbyte)Value[0],
        EventStreamHeaderType.Int16 => BinaryPrimitives.ReadInt16BigEndian(Value),
        EventStreamHeaderType.Int32 => BinaryPrimitives.ReadInt32BigEndian(Value),
        EventStreamHeaderType.Int64 or EventStreamHeaderType.Timestamp => BinaryPrimitives.ReadInt64BigEndian(Value),
        _ => throw new InvalidOperationException($"header type {Type} is not a number"),
    };
    public Guid AsUuid => new(Value, bigEndian: true);
}

/// <summary>Walks the header block of a frame without allocating: name length (1), name, type (1), value.</summary>
public ref struct EventStreamHeaderReader(ReadOnlySpan<byte> headers)
{
    private ReadOnlySpan<byte> _rest = headers;

    public bool TryRead(out EventStreamHeader header)
    {
        header = default;
        if (_rest.IsEmpty) return false;
        int nameLength = _rest[0];
        if (nameLength == 0 || _rest.Length < 1 + nameLength + 1) throw Bad("header name");
        var name = _rest.Slice(1, nameLength);
        var type = (EventStreamHeaderType)_rest[1 + nameLength];
        var rest = _rest[(2 + nameLength)..];
        int valueLength;
        var skip = 0;
        switch (type)
        {
            case EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse: valueLength = 0; break;
            case EventStreamHeaderType.Byte: valueLength = 1; break;
            case EventStreamHeaderType.Int16: valueLength = 2; break;
            case EventStreamHeaderType.Int32: valueLength = 4; break;
            case EventStreamHeaderType.Int64 or EventStreamHeaderType.Timestamp: valueLength = 8; break;
            case EventStreamHeaderType.Uuid: valueLength = 16; break;
            case EventStreamHeaderType.ByteArray or EventStreamHeaderType.String:
                if (rest.Length < 2) throw Bad("header value length");
                valueLength = BinaryPrimitives.ReadUInt16BigEndian(rest);
                skip = 2;
                break;
            default: throw Bad($"header type {(byte)type}");
        }
        if (rest.Length < skip + valueLength) throw Bad("header value");
        header = new EventStreamHeader(name, type, rest.Slice(skip, valueLength));
        _rest = rest[(skip + valueLength)..];
        return true;
    }

    private static EventStreamFormatException Bad(string what) => new($"event-stream frame has a malformed {what}");
}
