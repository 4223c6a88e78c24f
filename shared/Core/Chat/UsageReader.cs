using System.Text.Json;

namespace Gateway.Chat;

/// <summary>What a response body or stream chunk says about usage and choices, read in one forward pass.</summary>
public readonly record struct ChunkFacts(TokenUsage? Usage, bool HasChoices);

/// <summary>Finds OpenAI's <c>usage</c> object in a completion or chunk without materialising the JSON.</summary>
public static class UsageReader
{
    public static ChunkFacts Read(ReadOnlySpan<byte> json)
    {
        // Most stream chunks carry no usage; skip the parse for them.
        if (json.IndexOf("\"usage\""u8) < 0)
            return new ChunkFacts(null, true);
        var reader = new Utf8JsonReader(json);
        TokenUsage? usage = null;
        var hasChoices = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return new ChunkFacts(null, true);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject) usage = ReadUsage(ref reader);
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Read();
                        hasChoices = reader.TokenType != JsonTokenType.EndArray;
                        if (hasChoices) SkipToArrayEnd(ref reader);
                    }
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
            return new ChunkFacts(null, true);
        }
        return new ChunkFacts(usage, hasChoices);
    }

    private static void SkipToArrayEnd(ref Utf8JsonReader reader)
    {
        // Positioned on the first element: skip it and its siblings.
        var depth = reader.CurrentDepth;
        do
        {
            reader.Skip();
            reader.Read();
        } while (reader.TokenType != JsonTokenType.EndArray || reader.CurrentDepth >= depth);
    }

    private static TokenUsage ReadUsage(ref Utf8JsonReader reader)
    {
        int prompt = 0, completion = 0, total = 0, cached = 0, cacheWrite = 0, reasoning = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8)) prompt = ReadInt(ref reader);
            else if (reader.ValueTextEquals("completion_tokens"u8)) completion = ReadInt(ref reader);
            else if (reader.ValueTextEquals("total_tokens"u8)) total = ReadInt(ref reader);
            else if (reader.ValueTextEquals("prompt_tokens_details"u8)) ReadDetails(ref reader, "cached_tokens"u8, ref cached, "cache_creation_tokens"u8, ref cacheWrite);
            else if (reader.ValueTextEquals("completion_tokens_details"u8)) ReadDetails(ref reader, "reasoning_tokens"u8, ref reasoning, default, ref reasoning);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return new TokenUsage(prompt, completion, total == 0 ? prompt + completion : total, cached, cacheWrite, reasoning);
    }

    private static void ReadDetails(ref Utf8JsonReader reader, ReadOnlySpan<byte> a, ref int aValue, ReadOnlySpan<byte> b, ref int bValue)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(a)) aValue = ReadInt(ref reader);
            else if (!b.IsEmpty && reader.ValueTextEquals(b)) bValue = ReadInt(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static int ReadInt(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) ? n : 0;
    }
}
