namespace Gateway.Pipeline;

/// <summary>
/// What an upstream has produced so far for one call: whether it accepted the call at all, and how much generated
/// text went out. When a call ends without usage (the client left, the stream broke, no usage chunk came), the
/// pipeline estimates its output from this.
/// </summary>
public sealed class OutputProgress
{
    private long _textBytes;

    /// <summary>The upstream took the call (a stream opened, or an answer arrived): from here on it may cost money.</summary>
    public bool Accepted { get; private set; }

    public long TextBytes => Volatile.Read(ref _textBytes);

    /// <summary>About four bytes of generated text per token: the common rule for English text with BPE tokenizers.</summary>
    public int EstimatedOutputTokens => (int)Math.Min(int.MaxValue, (TextBytes + 3) / 4);

    public void Accept() => Accepted = true;

    /// <summary>Counts the generated text in one OpenAI chunk, Anthropic event payload, or whole answer.</summary>
    public void Observe(ReadOnlySpan<byte> json) => Interlocked.Add(ref _textBytes, GeneratedText.Bytes(json));

    /// <summary>Counts the generated text of one SSE event (<c>event:</c>/<c>data:</c> lines).</summary>
    public void ObserveSse(ReadOnlySpan<byte> sseEvent)
    {
        var at = sseEvent.IndexOf("data:"u8);
        if (at >= 0) Observe(sseEvent[(at + 5)..]);
    }
}

/// <summary>
/// Sums the bytes of the string values that carry generated text (<c>content</c>, <c>text</c>, <c>arguments</c>,
/// <c>partial_json</c>, <c>thinking</c>, <c>reasoning_content</c>, <c>reasoning</c>, <c>refusal</c>) in any OpenAI or
/// Anthropic answer shape. It runs on every streamed chunk, so it scans string tokens only (vectorised searches for
/// quotes) instead of tokenising the JSON; a malformed chunk is counted as far as it reads.
/// </summary>
internal static class GeneratedText
{
    public static long Bytes(ReadOnlySpan<byte> json)
    {
        long total = 0;
        var textField = false;
        var i = 0;
        while (true)
        {
            var open = json[i..].IndexOf((byte)'"');
            if (open < 0) return total;
            var start = i + open + 1;
            var length = StringLength(json[start..]);
            if (length < 0) return total;
            var token = json.Slice(start, length);
            i = start + length + 1;
            var rest = json[i..].TrimStart(" \t\r\n"u8);
            if (!rest.IsEmpty && rest[0] == (byte)':')
            {
                // A property name; the value follows the colon.
                textField = IsTextField(token);
                i = json.Length - rest.Length + 1;
                var value = json[i..].TrimStart(" \t\r\n"u8);
                if (!(textField && !value.IsEmpty && value[0] == (byte)'"')) textField = false;
                continue;
            }
            if (textField) total += length;
            textField = false;
        }
    }

    /// <summary>The length of a JSON string's raw bytes up to its closing quote, or -1 when it is cut off.</summary>
    private static int StringLength(ReadOnlySpan<byte> s)
    {
        var at = 0;
        while (true)
        {
            var next = s[at..].IndexOfAny((byte)'"', (byte)'\\');
            if (next < 0) return -1;
            at += next;
            if (s[at] == (byte)'"') return at;
            at += 2; // skip the escaped character
            if (at > s.Length) return -1;
        }
    }

    private static bool IsTextField(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("content"u8) || name.SequenceEqual("text"u8) || name.SequenceEqual("arguments"u8)
        || name.SequenceEqual("partial_json"u8) || name.SequenceEqual("thinking"u8) || name.SequenceEqual("reasoning_content"u8)
        || name.SequenceEqual("reasoning"u8) || name.SequenceEqual("refusal"u8);
}
