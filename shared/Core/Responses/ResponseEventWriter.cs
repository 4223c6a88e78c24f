using System.Text;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Providers.Translation;

namespace Gateway.Responses;

/// <summary>
/// OpenAI chat chunks -> the Responses API's stream events, one chunk at a time, each with its <c>sequence_number</c>:
/// <c>response.created</c> and <c>response.in_progress</c> first; then one output item per run of reasoning, text or
/// one tool call (added, its part or summary part, deltas, done events, item done), in the order OpenAI sends them;
/// then <c>response.completed</c> (or <c>response.incomplete</c> when the model hit its cap) with usage.
/// </summary>
internal sealed class ResponseEventWriter(ResponseHeader header)
{
    private readonly Queue<byte[]> _events = new();
    private readonly List<OutputItem> _items = [];
    private OutputItem? _open;
    private int _openToolIndex = -1;
    private int _sequence;
    private bool _started;
    private string? _finish;
    private TokenUsage _usage;

    public Queue<byte[]> Events => _events;
    public int NextSequence => _sequence;
    public IReadOnlyList<OutputItem> Items => _items;
    public TokenUsage? Usage => _usage.IsKnown ? _usage : null;

    /// <summary>The final <c>response</c> object, once the stream has finished.</summary>
    public byte[]? Final { get; private set; }

    public void Add(ReadOnlySpan<byte> chunk)
    {
        if (UsageReader.Read(chunk).Usage is { } u) _usage = u;
        Start();
        var reader = new Utf8JsonReader(chunk);
        using var doc = JsonDocument.ParseValue(ref reader);
        if (!JsonBytes.TryGet(doc.RootElement, "choices", JsonValueKind.Array, out var choices) || choices.GetArrayLength() == 0) return;
        var choice = choices[0];
        if (JsonBytes.String(choice, "finish_reason") is { } finish) _finish = finish;
        if (!JsonBytes.TryGet(choice, "delta", JsonValueKind.Object, out var delta)) return;
        if (JsonBytes.String(delta, "reasoning_content") is { Length: > 0 } thinking)
        {
            if (_open?.Type != "reasoning") Open(new OutputItem("reasoning", ItemId("rs")));
            _open!.Text.Append(thinking);
            Emit("response.reasoning_summary_text.delta", _open, (w, item) =>
            {
                w.WriteNumber("summary_index", 0);
                w.WriteString("delta", thinking);
            });
        }
        if (JsonBytes.String(delta, "content") is { Length: > 0 } text)
        {
            if (_open?.Type != "message") Open(new OutputItem("message", ItemId("msg")));
            _open!.Text.Append(text);
            Emit("response.output_text.delta", _open, (w, item) =>
            {
                w.WriteNumber("content_index", 0);
                w.WriteString("delta", text);
                w.WriteStartArray("logprobs");
                w.WriteEndArray();
            });
        }
        if (!JsonBytes.TryGet(delta, "tool_calls", JsonValueKind.Array, out var calls)) return;
        foreach (var call in calls.EnumerateArray())
        {
            var index = JsonBytes.Int(call, "index");
            var f = call.TryGetProperty("function", out var fn) ? fn : default;
            if (_open?.Type != "function_call" || index != _openToolIndex)
            {
                _openToolIndex = index;
                Open(new OutputItem("function_call", ItemId("fc"))
                {
                    CallId = JsonBytes.String(call, "id") ?? $"call_{header.Id}_{index}",
                    Name = JsonBytes.String(f, "name") ?? "",
                });
            }
            if (JsonBytes.String(f, "arguments") is not { Length: > 0 } args) continue;
            _open!.Text.Append(args);
            Emit("response.function_call_arguments.delta", _open, (w, item) => w.WriteString("delta", args));
        }
    }

    /// <summary>Closes the last item and ends the response, once the chat stream has ended.</summary>
    public void Finish()
    {
        Start();
        Close();
        var (status, reason) = ResponseShapes.StatusOf(_finish);
        Final = ResponseShapes.Response(header, status, _items, _usage, reason);
        var final = Final;
        Emit(status == "incomplete" ? "response.incomplete" : "response.completed", null, (w, _) =>
        {
            w.WritePropertyName("response");
            w.WriteRawValue(final, skipInputValidation: true);
        });
    }

    private void Start()
    {
        if (_started) return;
        _started = true;
        var snapshot = ResponseShapes.Response(header, "in_progress", [], null, null);
        foreach (var name in new[] { "response.created", "response.in_progress" })
            Emit(name, null, (w, _) =>
            {
                w.WritePropertyName("response");
                w.WriteRawValue(snapshot, skipInputValidation: true);
            });
    }

    private void Open(OutputItem item)
    {
        Close();
        _open = item;
        _items.Add(item);
        Emit("response.output_item.added", null, (w, _) =>
        {
            w.WriteNumber("output_index", _items.Count - 1);
            w.WritePropertyName("item");
            ResponseShapes.WriteItem(w, item, "in_progress");
        });
        if (item.Type == "message")
            Emit("response.content_part.added", item, (w, _) =>
            {
                w.WriteNumber("content_index", 0);
                w.WritePropertyName("part");
                ResponseShapes.WriteTextPart(w, "");
            });
        else if (item.Type == "reasoning")
            Emit("response.reasoning_summary_part.added", item, (w, _) =>
            {
                w.WriteNumber("summary_index", 0);
                w.WritePropertyName("part");
                ResponseShapes.WriteSummaryPart(w, "");
            });
    }

    private void Close()
    {
        if (_open is not { } item) return;
        _open = null;
        var text = item.Text.ToString();
        switch (item.Type)
        {
            case "message":
                Emit("response.output_text.done", item, (w, _) =>
                {
                    w.WriteNumber("content_index", 0);
                    w.WriteString("text", text);
                    w.WriteStartArray("logprobs");
                    w.WriteEndArray();
                });
                Emit("response.content_part.done", item, (w, _) =>
                {
                    w.WriteNumber("content_index", 0);
                    w.WritePropertyName("part");
                    ResponseShapes.WriteTextPart(w, text);
                });
                break;
            case "reasoning":
                Emit("response.reasoning_summary_text.done", item, (w, _) =>
                {
                    w.WriteNumber("summary_index", 0);
                    w.WriteString("text", text);
                });
                Emit("response.reasoning_summary_part.done", item, (w, _) =>
                {
                    w.WriteNumber("summary_index", 0);
                    w.WritePropertyName("part");
                    ResponseShapes.WriteSummaryPart(w, text);
                });
                break;
            case "function_call":
                Emit("response.function_call_arguments.done", item, (w, _) =>
                {
                    w.WriteString("name", item.Name);
                    w.WriteString("arguments", text);
                });
                break;
        }
        var index = _items.IndexOf(item);
        Emit("response.output_item.done", null, (w, _) =>
        {
            w.WriteNumber("output_index", index);
            w.WritePropertyName("item");
            ResponseShapes.WriteItem(w, item, "completed");
        });
    }

    /// <summary>One event: its type, sequence number, the item it belongs to (id and output index) and its own fields.</summary>
    private void Emit(string type, OutputItem? item, Action<Utf8JsonWriter, OutputItem?> fields)
    {
        var sequence = _sequence++;
        var outputIndex = item is null ? -1 : _items.IndexOf(item);
        var data = JsonBytes.Write((type, sequence, item, outputIndex, fields), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", s.type);
            w.WriteNumber("sequence_number", s.sequence);
            if (s.item is { } it)
            {
                w.WriteString("item_id", it.Id);
                w.WriteNumber("output_index", s.outputIndex);
            }
            s.fields(w, s.item);
            w.WriteEndObject();
        });
        _events.Enqueue(SseEvent(type, data));
    }

    /// <summary>A mid-stream failure as the Responses API reports one (<c>error</c>), with the number that comes next.</summary>
    public byte[] Error(Http.GatewayException e) => ErrorEvent(e, _sequence++);

    public static byte[] ErrorEvent(Http.GatewayException e, int sequence) => SseEvent("error", JsonBytes.Write((e, sequence), static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteNumber("sequence_number", s.sequence);
        w.WriteString("code", s.e.Code ?? s.e.Type);
        w.WriteString("message", s.e.Message);
        w.WriteString("param", s.e.Param);
        // The same fields nested, as some clients (the Vercel AI SDK) read them.
        w.WriteStartObject("error");
        w.WriteString("type", s.e.Type);
        w.WriteString("code", s.e.Code ?? s.e.Type);
        w.WriteString("message", s.e.Message);
        w.WriteString("param", s.e.Param);
        w.WriteEndObject();
        w.WriteEndObject();
    }));

    private string ItemId(string prefix) => $"{prefix}_{header.Id[(header.Id.IndexOf('_') + 1)..]}{_items.Count}";

    public static byte[] SseEvent(string type, ReadOnlySpan<byte> data) =>
        [.. "event: "u8, .. Encoding.UTF8.GetBytes(type), .. "\ndata: "u8, .. data, .. "\n\n"u8];
}
