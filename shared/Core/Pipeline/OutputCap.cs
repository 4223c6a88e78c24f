using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Gateway.Pipeline;

/// <summary>
/// Writes a lowered output cap into a request body (<c>budget_enforcement: cap</c>), so every adapter sends it upstream in
/// its provider's form: the OpenAI passthrough as is, Anthropic as <c>max_tokens</c>, Gemini as
/// <c>maxOutputTokens</c>, Bedrock as <c>maxTokens</c> (each reads <c>max_completion_tokens</c>, else <c>max_tokens</c>).
/// Every output-cap field the client set is lowered, so no adapter can read a larger one; when the client set none,
/// <paramref name="field"/> is added (<c>max_completion_tokens</c> for OpenAI reasoning models, which refuse <c>max_tokens</c>).
/// </summary>
public static class OutputCap
{
    public const string Header = "x-gateway-max-tokens-capped";

    private static readonly string[] ChatFields = ["max_tokens", "max_completion_tokens"];

    public static byte[] Apply(JsonElement root, CallKind kind, int cap, string field)
    {
        string[] fields = kind switch
        {
            CallKind.AnthropicMessages or CallKind.TextCompletion => ["max_tokens"],
            CallKind.Responses => ["max_output_tokens"],
            _ => ChatFields,
        };
        var value = Encoding.UTF8.GetBytes(cap.ToString(CultureInfo.InvariantCulture));
        var w = new ArrayBufferWriter<byte>(4096);
        w.Write("{"u8);
        var first = true;
        var wrote = false;
        foreach (var prop in root.EnumerateObject())
        {
            Separator(w, ref first);
            w.Write("\""u8);
            w.Write(JsonMarshal.GetRawUtf8PropertyName(prop));
            w.Write("\":"u8);
            if (fields.Contains(prop.Name) && prop.Value.ValueKind != JsonValueKind.Null)
            {
                w.Write(value);
                wrote = true;
            }
            else w.Write(JsonMarshal.GetRawUtf8Value(prop.Value));
        }
        if (!wrote)
        {
            Separator(w, ref first);
            w.Write(Encoding.UTF8.GetBytes($"\"{(kind == CallKind.ChatCompletion ? field : fields[0])}\":"));
            w.Write(value);
        }
        w.Write("}"u8);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>
    /// True when a chat body sets both <c>max_completion_tokens</c> and <c>max_tokens</c> to different numbers. The
    /// reservation counts the first; an upstream that reads the other must not get a larger cap than was paid for.
    /// </summary>
    public static bool Disagree(JsonElement root, CallKind kind) =>
        kind == CallKind.ChatCompletion
        && root.TryGetProperty("max_completion_tokens", out var a) && a.ValueKind == JsonValueKind.Number
        && root.TryGetProperty("max_tokens", out var b) && b.ValueKind == JsonValueKind.Number
        && !(a.TryGetInt64(out var x) && b.TryGetInt64(out var y) && x == y);

    /// <summary>OpenAI's reasoning models (o-series, gpt-5) take <c>max_completion_tokens</c> only.</summary>
    public static bool TakesCompletionTokens(string upstreamModel)
    {
        var name = upstreamModel[(upstreamModel.LastIndexOf('/') + 1)..];
        return name.StartsWith("o1", StringComparison.Ordinal) || name.StartsWith("o3", StringComparison.Ordinal)
            || name.StartsWith("o4", StringComparison.Ordinal) || name.StartsWith("gpt-5", StringComparison.Ordinal);
    }

    private static void Separator(ArrayBufferWriter<byte> w, ref bool first)
    {
        if (!first) w.Write(","u8);
        first = false;
    }
}
