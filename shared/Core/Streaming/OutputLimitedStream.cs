using System.Buffers;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Pipeline;

namespace Gateway.Streaming;

/// <summary>
/// Ends an OpenAI chunk stream whose upstream ignores the output cap the budget paid for (<c>budget_enforcement: cap</c>):
/// once the text relayed is well past the cap (about four bytes a token, with room for tokenizers that pack more, so a
/// stream that keeps to its cap is never cut), the upstream is dropped and the client gets a well-formed end instead:
/// a <c>length</c> finish for each choice and a usage chunk with the call's booked usage, then <c>[DONE]</c>.
/// </summary>
internal sealed class OutputLimitedStream(ChatStream inner, long limitTokens, int choices, Func<TokenUsage?, TokenUsage> usageAtCut) : ChatStream
{
    private readonly long _maxBytes = MaxBytesFor(limitTokens);

    /// <summary>How much generated text may go out for a cap of <paramref name="limitTokens"/>: half again, plus 16 tokens, at four bytes a token.</summary>
    public static long MaxBytesFor(long limitTokens) => (limitTokens + limitTokens / 2 + 16) * 4;
    private long _bytes;
    private Queue<byte[]>? _ending;
    private ReadOnlyMemory<byte> _current;

    /// <summary>The stream was ended here, at the cap.</summary>
    public bool Cut => _ending is not null;

    public override ReadOnlyMemory<byte> Current => _current;

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        if (_ending is null)
        {
            if (!await inner.ReadAsync(ct)) return false;
            var chunk = inner.Current;
            _bytes += GeneratedText.Bytes(chunk.Span);
            if (_bytes <= _maxBytes)
            {
                _current = chunk;
                return true;
            }
            _ending = Ending(chunk.Span);
            _disposed = true;
            await inner.DisposeAsync(); // stop paying for output nobody will see
        }
        if (!_ending.TryDequeue(out var next)) return false;
        _current = next;
        return true;
    }

    private Queue<byte[]> Ending(ReadOnlySpan<byte> last)
    {
        string? id = null, model = null;
        long created = 0;
        try
        {
            var reader = new Utf8JsonReader(last);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (root.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.Number) c.TryGetInt64(out created);
        }
        catch (JsonException)
        {
            // A malformed last chunk: the ending goes out without its id.
        }
        var queue = new Queue<byte[]>();
        for (var index = 0; index < choices; index++)
            queue.Enqueue(Chunk(id, model, created, w =>
            {
                w.WriteStartArray("choices");
                w.WriteStartObject();
                w.WriteNumber("index", index);
                w.WriteStartObject("delta");
                w.WriteEndObject();
                w.WriteString("finish_reason", "length");
                w.WriteEndObject();
                w.WriteEndArray();
            }));
        var usage = usageAtCut(null);
        queue.Enqueue(Chunk(id, model, created, w =>
        {
            w.WriteStartArray("choices");
            w.WriteEndArray();
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", usage.PromptTokens);
            w.WriteNumber("completion_tokens", usage.CompletionTokens);
            w.WriteNumber("total_tokens", usage.TotalTokens);
            w.WriteEndObject();
        }));
        return queue;
    }

    private static byte[] Chunk(string? id, string? model, long created, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id ?? "chatcmpl-capped");
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", created);
            w.WriteString("model", model ?? "");
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private bool _disposed;

    public override ValueTask DisposeAsync()
    {
        if (_disposed) return ValueTask.CompletedTask;
        _disposed = true;
        return inner.DisposeAsync();
    }
}
