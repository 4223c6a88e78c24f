using System.Text;
using Gateway.Tokens;

namespace Gateway.Pipeline;

/// <summary>
/// What an upstream has produced so far for one call: whether it accepted the call at all, and how much generated
/// text went out. When a call ends without usage (the client left, the stream broke, no usage chunk came), the
/// pipeline estimates its output from this. For a call a local tokenizer can count (<see cref="CaptureText"/>), it
/// also keeps the generated text itself, up to <see cref="GeneratedTextBuffer.MaxBytes"/>.
/// </summary>
public sealed class OutputProgress
{
    private long _textBytes;
    private GeneratedTextBuffer? _text;

    /// <summary>The upstream took the call (a stream opened, or an answer arrived): from here on it may cost money.</summary>
    public bool Accepted { get; private set; }

    public long TextBytes => Volatile.Read(ref _textBytes);

    /// <summary>About four bytes of generated text per token: the common rule for English text with BPE tokenizers.</summary>
    public int EstimatedOutputTokens => (int)Math.Min(int.MaxValue, (TextBytes + 3) / 4);

    public void Accept() => Accepted = true;

    /// <summary>Keeps the generated text from here on, so a tokenizer can count it. Call before the first chunk.</summary>
    public void CaptureText() => _text ??= new GeneratedTextBuffer();

    /// <summary>Whether the generated text is kept (<see cref="CaptureText"/>).</summary>
    public bool CapturesText => _text is not null;

    private Action<ReadOnlySpan<byte>>? _listener;

    /// <summary>Hands every streamed chunk (or Anthropic event payload) to <paramref name="listener"/> too: a cache assembling the answer.</summary>
    public void Listen(Action<ReadOnlySpan<byte>> listener) => _listener += listener;

    /// <summary>Counts the generated text in one OpenAI chunk, Anthropic event payload, or whole answer.</summary>
    public void Observe(ReadOnlySpan<byte> json)
    {
        _listener?.Invoke(json);
        if (_text is not { } text)
        {
            Interlocked.Add(ref _textBytes, GeneratedText.Bytes(json));
            return;
        }
        lock (text) Interlocked.Add(ref _textBytes, GeneratedText.Scan(json, text));
    }

    /// <summary>
    /// The output tokens of what was streamed: counted with <paramref name="tokenizer"/> over the kept text (and about
    /// four bytes a token past the kept part), or about four bytes a token when no text was kept or no tokenizer applies.
    /// </summary>
    public int EstimateOutputTokens(ITokenCounter? tokenizer)
    {
        if (tokenizer is null || _text is not { } text) return EstimatedOutputTokens;
        string kept;
        long rest;
        lock (text)
        {
            kept = text.Text();
            rest = text.OverflowBytes;
        }
        return (int)Math.Min(int.MaxValue, tokenizer.Count(kept) + (rest + 3) / 4);
    }

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
    public static long Bytes(ReadOnlySpan<byte> json) => Scan(json, null);

    /// <summary>Like <see cref="Bytes"/>, and hands each text value's raw (escaped) bytes to <paramref name="capture"/>.</summary>
    public static long Scan(ReadOnlySpan<byte> json, GeneratedTextBuffer? capture)
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
            if (textField)
            {
                total += length;
                capture?.Append(token);
            }
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

/// <summary>
/// The generated text of one call, unescaped to UTF-8, up to <see cref="MaxBytes"/>. A value that no longer fits is
/// not kept; from then on only its raw length is (<see cref="OverflowBytes"/>). Not thread-safe: its owner locks it.
/// </summary>
public sealed class GeneratedTextBuffer
{
    public const int MaxBytes = 64 * 1024;
    private byte[] _bytes = [];
    private int _length;

    /// <summary>Raw bytes of generated text past what was kept.</summary>
    public long OverflowBytes { get; private set; }

    public int Length => _length;

    /// <summary>Keeps one JSON string value's text, given its raw bytes between the quotes.</summary>
    public void Append(ReadOnlySpan<byte> raw)
    {
        // Unescaping never lengthens: the raw length bounds the kept length.
        if (OverflowBytes > 0 || _length + raw.Length > MaxBytes)
        {
            OverflowBytes += raw.Length;
            return;
        }
        if (_length + raw.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Min(MaxBytes, Math.Max(Math.Max(1024, _bytes.Length * 2), _length + raw.Length)));
        _length += raw.IndexOf((byte)'\\') < 0 ? Copy(raw) : Unescape(raw, _bytes.AsSpan(_length));
    }

    public string Text() => Encoding.UTF8.GetString(_bytes, 0, _length);

    private int Copy(ReadOnlySpan<byte> raw)
    {
        raw.CopyTo(_bytes.AsSpan(_length));
        return raw.Length;
    }

    /// <summary>JSON string unescaping; a lone surrogate becomes U+FFFD, a cut-off escape is dropped.</summary>
    internal static int Unescape(ReadOnlySpan<byte> raw, Span<byte> to)
    {
        var n = 0;
        var i = 0;
        while (i < raw.Length)
        {
            var slash = raw[i..].IndexOf((byte)'\\');
            if (slash < 0)
            {
                raw[i..].CopyTo(to[n..]);
                return n + raw.Length - i;
            }
            raw.Slice(i, slash).CopyTo(to[n..]);
            n += slash;
            i += slash;
            if (i + 1 >= raw.Length) return n;
            var c = raw[i + 1];
            if (c != (byte)'u')
            {
                to[n++] = c switch
                {
                    (byte)'n' => (byte)'\n', (byte)'t' => (byte)'\t', (byte)'r' => (byte)'\r',
                    (byte)'b' => (byte)'\b', (byte)'f' => (byte)'\f', _ => c, // \" \\ \/
                };
                i += 2;
                continue;
            }
            if (!Hex(raw, i + 2, out var unit)) return n;
            i += 6;
            Rune rune;
            if (char.IsHighSurrogate((char)unit) && i + 1 < raw.Length && raw[i] == (byte)'\\' && raw[i + 1] == (byte)'u'
                && Hex(raw, i + 2, out var low) && char.IsLowSurrogate((char)low))
            {
                rune = new Rune((char)unit, (char)low);
                i += 6;
            }
            else rune = Rune.IsValid(unit) ? new Rune(unit) : Rune.ReplacementChar;
            n += rune.EncodeToUtf8(to[n..]);
        }
        return n;
    }

    private static bool Hex(ReadOnlySpan<byte> raw, int at, out int value)
    {
        value = 0;
        if (at + 4 > raw.Length) return false;
        foreach (var b in raw.Slice(at, 4))
        {
            var d = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (d < 0) return false;
            value = value * 16 + d;
        }
        return true;
    }
}
