using System.Text.Json;

namespace Gateway.Responses;

/// <summary>
/// What a native Responses answer (a whole <c>response</c>, or one stream event) says about the call: its id, its usage
/// (Responses names: <c>input_tokens</c>, <c>output_tokens</c> and their details), the event's type and sequence number,
/// and whether it ends the response. Read in one forward pass; only the events that carry the response open it.
/// </summary>
internal readonly record struct NativeResponseFacts(string? Type, int? Sequence, string? ResponseId, TokenUsage? Usage, bool Terminal)
{
    public static NativeResponseFacts Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? type = null, id = null;
        int? sequence = null;
        TokenUsage? usage = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("sequence_number"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n)) sequence = n;
                }
                else if (reader.ValueTextEquals("response"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject) (id, usage) = ReadResponse(ref reader);
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id ??= reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject) usage = ReadUsage(ref reader);
                    else reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
        }
        var terminal = type is "response.completed" or "response.incomplete" or "response.failed";
        return new NativeResponseFacts(type, sequence, id, usage, terminal);
    }

    private static (string? Id, TokenUsage? Usage) ReadResponse(ref Utf8JsonReader reader)
    {
        string? id = null;
        TokenUsage? usage = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject) usage = ReadUsage(ref reader);
                else reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return (id, usage);
    }

    private static TokenUsage ReadUsage(ref Utf8JsonReader reader)
    {
        int input = 0, output = 0, total = 0, cached = 0, reasoning = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("input_tokens"u8)) input = Int(ref reader);
            else if (reader.ValueTextEquals("output_tokens"u8)) output = Int(ref reader);
            else if (reader.ValueTextEquals("total_tokens"u8)) total = Int(ref reader);
            else if (reader.ValueTextEquals("input_tokens_details"u8)) cached = Detail(ref reader, "cached_tokens"u8);
            else if (reader.ValueTextEquals("output_tokens_details"u8)) reasoning = Detail(ref reader, "reasoning_tokens"u8);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return new TokenUsage(input, output, total == 0 ? input + output : total, cached, 0, reasoning);
    }

    private static int Detail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }
        var value = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name)) value = Int(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return value;
    }

    private static int Int(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) ? n : 0;
    }
}
