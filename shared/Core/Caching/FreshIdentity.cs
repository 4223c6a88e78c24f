using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gateway.Caching;

/// <summary>
/// A cached answer as a new response: the top-level <c>id</c> and <c>created</c> are replaced (a client that keys on
/// them sees a new response) and every other byte is the stored answer's. No parse: one forward scan of the top level.
/// </summary>
public static class FreshIdentity
{
    public static byte[] Apply(ReadOnlySpan<byte> body, string id, DateTimeOffset now)
    {
        var (idAt, idLength, createdAt, createdLength) = Find(body);
        if (idAt < 0 && createdAt < 0) return body.ToArray();
        var idJson = JsonEncodedText.Encode(id);
        var created = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var w = new ArrayBufferWriter<byte>(body.Length + 32);
        var pos = 0;
        foreach (var (at, length, isId) in Ordered(idAt, idLength, createdAt, createdLength))
        {
            w.Write(body[pos..at]);
            if (isId)
            {
                w.Write("\""u8);
                w.Write(idJson.EncodedUtf8Bytes);
                w.Write("\""u8);
            }
            else Encoding.UTF8.GetBytes(created, w);
            pos = at + length;
        }
        w.Write(body[pos..]);
        return w.WrittenSpan.ToArray();
    }

    private static IEnumerable<(int At, int Length, bool IsId)> Ordered(int idAt, int idLength, int createdAt, int createdLength)
    {
        var parts = new List<(int, int, bool)>(2);
        if (idAt >= 0) parts.Add((idAt, idLength, true));
        if (createdAt >= 0) parts.Add((createdAt, createdLength, false));
        parts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return parts;
    }

    /// <summary>Where the top-level <c>id</c> (a string) and <c>created</c> (a number) values are, as byte offset and length; -1 when absent.</summary>
    private static (int IdAt, int IdLength, int CreatedAt, int CreatedLength) Find(ReadOnlySpan<byte> body)
    {
        int idAt = -1, idLength = 0, createdAt = -1, createdLength = 0;
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (idAt, idLength, createdAt, createdLength);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isId = reader.ValueTextEquals("id"u8);
            var isCreated = !isId && reader.ValueTextEquals("created"u8);
            reader.Read();
            if (isId && reader.TokenType == JsonTokenType.String)
                (idAt, idLength) = ((int)reader.TokenStartIndex, (int)(reader.BytesConsumed - reader.TokenStartIndex));
            else if (isCreated && reader.TokenType == JsonTokenType.Number)
                (createdAt, createdLength) = ((int)reader.TokenStartIndex, (int)(reader.BytesConsumed - reader.TokenStartIndex));
            reader.Skip();
        }
        return (idAt, idLength, createdAt, createdLength);
    }
}
