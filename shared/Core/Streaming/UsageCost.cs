using System.Globalization;
using System.Text;

namespace Gateway.Streaming;

/// <summary>
/// Adds the call's cost to a chunk's <c>usage</c> object as <c>"cost"</c> (dollars), the extension field OpenAI SDKs
/// keep as an additional property. Splices bytes: the usage object is found and the field is written before its
/// closing brace, so the rest of the chunk goes out exactly as received.
/// </summary>
public static class UsageCost
{
    public static byte[] Add(ReadOnlySpan<byte> chunk, decimal cost)
    {
        var close = UsageObjectEnd(chunk);
        if (close < 0) return chunk.ToArray();
        var empty = chunk[..close].TrimEnd(" \t\r\n"u8) is [.., (byte)'{'];
        var field = Encoding.ASCII.GetBytes((empty ? "" : ",") + "\"cost\":" + cost.ToString(CultureInfo.InvariantCulture));
        return [.. chunk[..close], .. field, .. chunk[close..]];
    }

    /// <summary>The index of the top-level <c>usage</c> object's closing brace, or -1.</summary>
    private static int UsageObjectEnd(ReadOnlySpan<byte> json)
    {
        var reader = new System.Text.Json.Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject) return -1;
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                var isUsage = reader.ValueTextEquals("usage"u8);
                reader.Read();
                if (isUsage && reader.TokenType == System.Text.Json.JsonTokenType.StartObject)
                {
                    reader.Skip();
                    return (int)reader.TokenStartIndex;
                }
                reader.Skip();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return -1;
    }
}
