using System.Buffers;
using System.Text.Json;
using Gateway.Chat;

namespace Gateway.Providers.Mock;

/// <summary>Writes a <see cref="MockAnswer"/> as OpenAI's completion JSON, or as the chunks of a stream.</summary>
internal static class MockChatWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Completion(MockAnswer a, string id, long created)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            Header(w, id, "chat.completion", created, a.Model);
            w.WriteStartArray("choices");
            for (var i = 0; i < a.N; i++)
            {
                w.WriteStartObject();
                w.WriteNumber("index", i);
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                w.WriteString("content", a.Content);
                if (a.ToolCalls.Count > 0) ToolCalls(w, a.ToolCalls, withArguments: true);
                w.WriteNull("refusal");
                w.WriteEndObject();
                w.WriteNull("logprobs");
                w.WriteString("finish_reason", a.FinishReason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            Usage(w, a.Usage);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Role chunk, content split at word boundaries (or tool-call fragments), finish chunk, then a usage-only chunk.</summary>
    public static List<byte[]> Chunks(MockAnswer a, string id, long created)
    {
        var chunks = new List<byte[]>();
        for (var i = 0; i < a.N; i++)
        {
            chunks.Add(Chunk(a, id, created, i, w => { w.WriteString("role", "assistant"); w.WriteString("content", a.ToolCalls.Count > 0 ? null : ""); }, null));
            if (a.ToolCalls.Count > 0)
            {
                chunks.Add(Chunk(a, id, created, i, w => ToolCalls(w, a.ToolCalls, withArguments: false), null));
                for (var t = 0; t < a.ToolCalls.Count; t++)
                {
                    var index = t;
                    chunks.Add(Chunk(a, id, created, i, w => ArgumentsFragment(w, index, a.ToolCalls[index].Arguments), null));
                }
            }
            else
                foreach (var piece in SplitWords(a.Content!))
                    chunks.Add(Chunk(a, id, created, i, w => w.WriteString("content", piece), null));
            chunks.Add(Chunk(a, id, created, i, _ => { }, a.FinishReason));
        }
        chunks.Add(UsageChunk(a, id, created));
        return chunks;
    }

    private static byte[] Chunk(MockAnswer a, string id, long created, int index, Action<Utf8JsonWriter> delta, string? finish)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            Header(w, id, "chat.completion.chunk", created, a.Model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", index);
            w.WriteStartObject("delta");
            delta(w);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            if (finish is null) w.WriteNull("finish_reason");
            else w.WriteString("finish_reason", finish);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteNull("usage");
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] UsageChunk(MockAnswer a, string id, long created)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            Header(w, id, "chat.completion.chunk", created, a.Model);
            w.WriteStartArray("choices");
            w.WriteEndArray();
            Usage(w, a.Usage);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Header(Utf8JsonWriter w, string id, string kind, long created, string model)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", kind);
        w.WriteNumber("created", created);
        w.WriteString("model", model);
        w.WriteString("system_fingerprint", "fp_mock");
    }

    private static void ToolCalls(Utf8JsonWriter w, IReadOnlyList<MockToolCall> calls, bool withArguments)
    {
        w.WriteStartArray("tool_calls");
        for (var i = 0; i < calls.Count; i++)
        {
            w.WriteStartObject();
            if (!withArguments) w.WriteNumber("index", i);
            w.WriteString("id", calls[i].Id);
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", calls[i].Name);
            w.WriteString("arguments", withArguments ? calls[i].Arguments : "");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void ArgumentsFragment(Utf8JsonWriter w, int index, string arguments)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        w.WriteStartObject("function");
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Usage(Utf8JsonWriter w, TokenUsage u)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", u.PromptTokens);
        w.WriteNumber("completion_tokens", u.CompletionTokens);
        w.WriteNumber("total_tokens", u.TotalTokens);
        w.WriteEndObject();
    }

    /// <summary>Words with their trailing space, so the pieces concatenate back to the text exactly.</summary>
    internal static IEnumerable<string> SplitWords(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
            if (text[i] == ' ' && i + 1 < text.Length && text[i + 1] != ' ')
            {
                yield return text[start..(i + 1)];
                start = i + 1;
            }
        if (start < text.Length) yield return text[start..];
    }
}
