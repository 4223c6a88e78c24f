using System.Text.Json;

namespace Gateway.Keys;

/// <summary>
/// What a request body says about its worst case, read in one forward pass of the top level: the model, and
/// <c>max_completion_tokens</c> / <c>max_tokens</c> / <c>n</c>. The prompt is estimated from the body size (a
/// JSON body of B bytes holds well under B/3 tokens of text, so B/3 is a safe upper bound for text prompts).
/// </summary>
public readonly record struct CallEstimate(string? Model, long PromptTokens, int? MaxOutputTokens, int N)
{
    public static CallEstimate Read(ReadOnlySpan<byte> body)
    {
        string? model = null;
        int? maxTokens = null, maxCompletion = null;
        var n = 1;
        try
        {
            var r = new Utf8JsonReader(body);
            if (r.Read() && r.TokenType == JsonTokenType.StartObject)
                while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                {
                    if (r.ValueTextEquals("model"u8)) { r.Read(); if (r.TokenType == JsonTokenType.String) model = r.GetString(); else r.Skip(); }
                    else if (r.ValueTextEquals("max_tokens"u8)) maxTokens = ReadInt(ref r);
                    else if (r.ValueTextEquals("max_completion_tokens"u8)) maxCompletion = ReadInt(ref r);
                    else if (r.ValueTextEquals("n"u8)) n = Math.Max(1, ReadInt(ref r) ?? 1);
                    else { r.Read(); r.Skip(); }
                }
        }
        catch (JsonException)
        {
            // The endpoint's own parse reports bad JSON with a precise 400.
        }
        return new CallEstimate(model, (body.Length + 2) / 3, maxCompletion ?? maxTokens, n);
    }

    private static int? ReadInt(ref Utf8JsonReader r)
    {
        r.Read();
        if (r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var v)) return v;
        r.Skip();
        return null;
    }
}
