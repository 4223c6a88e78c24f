using System.Text.Json;
using Gateway.Chat;

namespace Gateway.Providers.Translation;

/// <summary>
/// Writes OpenAI <c>chat.completion.chunk</c> JSON for translating streams, one chunk per call. The final usage chunk
/// has <c>choices: []</c>, the shape <see cref="Streaming.StreamRelay"/> withholds from clients that did not ask for usage.
/// </summary>
public sealed class OpenAIChunkWriter
{
    public string Id { get; set; } = "chatcmpl-gateway";
    public string Model { get; set; } = "";
    public long Created { get; init; }

    /// <summary>A chunk with one choice; <paramref name="delta"/> writes the delta's properties (may write none).</summary>
    public byte[] Choice<TState>(TState state, Action<Utf8JsonWriter, TState> delta, string? finish = null) => JsonBytes.Write((this, state, delta, finish), static (w, s) =>
    {
        s.Item1.Header(w);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        s.delta(w, s.state);
        w.WriteEndObject();
        w.WriteNull("logprobs");
        if (s.finish is null) w.WriteNull("finish_reason");
        else w.WriteString("finish_reason", s.finish);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public byte[] Role() => Choice(0, static (w, _) =>
    {
        w.WriteString("role", "assistant");
        w.WriteString("content", "");
    });

    public byte[] Content(string text) => Choice(text, static (w, t) => w.WriteString("content", t));

    public byte[] Reasoning(string text) => Choice(text, static (w, t) => w.WriteString("reasoning_content", t));

    /// <summary>The first fragment of a tool call: id, type and name, with the arguments so far.</summary>
    public byte[] ToolCallStart(int index, string id, string name, string arguments = "") => Choice((index, id, name, arguments), static (w, t) =>
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", t.index);
        w.WriteString("id", t.id);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", t.name);
        w.WriteString("arguments", t.arguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    });

    public byte[] ToolCallArguments(int index, string fragment) => Choice((index, fragment), static (w, t) =>
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", t.index);
        w.WriteStartObject("function");
        w.WriteString("arguments", t.fragment);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    });

    public byte[] Finish(string reason) => Choice(0, static (_, _) => { }, reason);

    /// <summary>The usage-only final chunk.</summary>
    public byte[] Usage(TokenUsage usage) => JsonBytes.Write((this, usage), static (w, s) =>
    {
        s.Item1.Header(w);
        w.WriteStartArray("choices");
        w.WriteEndArray();
        OpenAIUsageWriter.Write(w, s.usage);
        w.WriteEndObject();
    });

    private void Header(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", Created);
        w.WriteString("model", Model);
    }
}
