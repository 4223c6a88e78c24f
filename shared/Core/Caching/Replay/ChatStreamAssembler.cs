using System.Text;
using System.Text.Json;
using Gateway.Providers.Translation;

namespace Gateway.Caching.Replay;

/// <summary>
/// Rebuilds the <c>chat.completion</c> a stream amounts to, from its chunks as they go out, so a streamed miss can be
/// cached once it completes. Gives up (returns null) past <paramref name="maxBytes"/> of text or on a chunk it cannot read.
/// </summary>
public sealed class ChatStreamAssembler(int maxBytes)
{
    private readonly SortedDictionary<int, ChoiceState> _choices = [];
    private string? _id, _model, _fingerprint;
    private long _created;
    private string? _usage;
    private long _bytes;
    private bool _broken;

    public void Add(ReadOnlySpan<byte> chunk)
    {
        if (_broken) return;
        _bytes += chunk.Length;
        if (_bytes > maxBytes)
        {
            _broken = true;
            return;
        }
        try
        {
            var reader = new Utf8JsonReader(chunk);
            using var doc = JsonDocument.ParseValue(ref reader);
            Read(doc.RootElement);
        }
        catch (JsonException)
        {
            _broken = true;
        }
    }

    private void Read(JsonElement root)
    {
        _id ??= JsonBytes.String(root, "id");
        _model ??= JsonBytes.String(root, "model");
        _fingerprint ??= JsonBytes.String(root, "system_fingerprint");
        if (_created == 0 && root.TryGetProperty("created", out var c) && c.TryGetInt64(out var t)) _created = t;
        if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object) _usage = u.GetRawText();
        if (!JsonBytes.TryGet(root, "choices", JsonValueKind.Array, out var choices)) return;
        foreach (var choice in choices.EnumerateArray())
        {
            var index = JsonBytes.Int(choice, "index");
            if (!_choices.TryGetValue(index, out var state)) _choices[index] = state = new ChoiceState();
            if (JsonBytes.String(choice, "finish_reason") is { } finish) state.Finish = finish;
            if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object) continue;
            if (JsonBytes.String(delta, "role") is { } role) state.Role = role;
            if (JsonBytes.String(delta, "content") is { } content) state.Content.Append(content);
            if (JsonBytes.String(delta, "refusal") is { } refusal) (state.Refusal ??= new()).Append(refusal);
            if (!JsonBytes.TryGet(delta, "tool_calls", JsonValueKind.Array, out var calls)) continue;
            foreach (var call in calls.EnumerateArray())
            {
                var i = JsonBytes.Int(call, "index");
                if (!state.Tools.TryGetValue(i, out var tool)) state.Tools[i] = tool = new ToolState();
                tool.Id ??= JsonBytes.String(call, "id");
                tool.Type ??= JsonBytes.String(call, "type");
                if (call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object)
                {
                    tool.Name ??= JsonBytes.String(f, "name");
                    if (JsonBytes.String(f, "arguments") is { } args) tool.Arguments.Append(args);
                }
            }
        }
    }

    /// <summary>The whole answer, or null when the stream could not be followed (or said nothing).</summary>
    public byte[]? Completion()
    {
        if (_broken || _choices.Count == 0 || _choices.Values.Any(c => c.Finish is null)) return null;
        return JsonBytes.Write(this, static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("id", s._id ?? "chatcmpl-cache");
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", s._created);
            w.WriteString("model", s._model ?? "");
            w.WriteStartArray("choices");
            foreach (var (index, c) in s._choices)
            {
                w.WriteStartObject();
                w.WriteNumber("index", index);
                w.WriteStartObject("message");
                w.WriteString("role", c.Role ?? "assistant");
                if (c.Content.Length == 0 && c.Tools.Count > 0) w.WriteNull("content");
                else w.WriteString("content", c.Content.ToString());
                if (c.Refusal is null) w.WriteNull("refusal");
                else w.WriteString("refusal", c.Refusal.ToString());
                if (c.Tools.Count > 0)
                {
                    w.WriteStartArray("tool_calls");
                    foreach (var t in c.Tools.Values)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", t.Id ?? "");
                        w.WriteString("type", t.Type ?? "function");
                        w.WriteStartObject("function");
                        w.WriteString("name", t.Name ?? "");
                        w.WriteString("arguments", t.Arguments.ToString());
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
                w.WriteNull("logprobs");
                w.WriteString("finish_reason", c.Finish);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (s._usage is not null)
            {
                w.WritePropertyName("usage");
                w.WriteRawValue(s._usage, skipInputValidation: true);
            }
            if (s._fingerprint is not null) w.WriteString("system_fingerprint", s._fingerprint);
            w.WriteEndObject();
        });
    }

    private sealed class ChoiceState
    {
        public string? Role;
        public string? Finish;
        public readonly StringBuilder Content = new();
        public StringBuilder? Refusal;
        public readonly SortedDictionary<int, ToolState> Tools = [];
    }

    private sealed class ToolState
    {
        public string? Id, Type, Name;
        public readonly StringBuilder Arguments = new();
    }
}
