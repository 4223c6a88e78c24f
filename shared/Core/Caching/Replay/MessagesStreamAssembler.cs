using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Providers.Translation;

namespace Gateway.Caching.Replay;

/// <summary>
/// Rebuilds the Anthropic <c>message</c> a <c>/v1/messages</c> stream amounts to, from its event payloads as they go
/// out (<c>message_start</c>, content block starts and deltas, <c>message_delta</c>), so a streamed miss can be cached.
/// Gives up (null) past <paramref name="maxBytes"/>, on an event it cannot read, or when the stream did not stop.
/// </summary>
public sealed class MessagesStreamAssembler(int maxBytes)
{
    private JsonObject? _message;
    private readonly SortedDictionary<int, JsonObject> _blocks = [];
    private readonly Dictionary<int, StringBuilder> _text = [];
    private readonly Dictionary<int, StringBuilder> _json = [];
    private long _bytes;
    private bool _broken, _stopped;

    public void Add(ReadOnlySpan<byte> payload)
    {
        if (_broken) return;
        _bytes += payload.Length;
        if (_bytes > maxBytes)
        {
            _broken = true;
            return;
        }
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            Read(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            _broken = true;
        }
    }

    private void Read(JsonElement e)
    {
        var index = JsonBytes.Int(e, "index");
        switch (JsonBytes.String(e, "type"))
        {
            case "message_start" when e.TryGetProperty("message", out var m):
                _message = JsonNode.Parse(m.GetRawText())!.AsObject();
                break;
            case "content_block_start" when e.TryGetProperty("content_block", out var b):
                _blocks[index] = JsonNode.Parse(b.GetRawText())!.AsObject();
                break;
            case "content_block_delta" when e.TryGetProperty("delta", out var d) && _blocks.ContainsKey(index):
                var block = _blocks[index];
                switch (JsonBytes.String(d, "type"))
                {
                    case "text_delta": Append(_text, index, JsonBytes.String(d, "text")); break;
                    case "thinking_delta": Append(_text, index, JsonBytes.String(d, "thinking")); break;
                    case "input_json_delta": Append(_json, index, JsonBytes.String(d, "partial_json")); break;
                    case "signature_delta": block["signature"] = JsonBytes.String(d, "signature"); break;
                }
                break;
            case "message_delta" when _message is not null:
                if (e.TryGetProperty("delta", out var md))
                    foreach (var p in md.EnumerateObject()) _message[p.Name] = JsonNode.Parse(p.Value.GetRawText());
                if (e.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
                {
                    var usage = _message["usage"] as JsonObject ?? [];
                    foreach (var p in u.EnumerateObject()) usage[p.Name] = JsonNode.Parse(p.Value.GetRawText());
                    _message["usage"] = usage;
                }
                break;
            case "message_stop":
                _stopped = true;
                break;
        }
    }

    private static void Append(Dictionary<int, StringBuilder> parts, int index, string? text)
    {
        if (text is null) return;
        if (!parts.TryGetValue(index, out var sb)) parts[index] = sb = new StringBuilder();
        sb.Append(text);
    }

    /// <summary>The whole message, or null when the stream could not be followed or did not stop.</summary>
    public byte[]? Message()
    {
        if (_broken || !_stopped || _message is null) return null;
        var content = new JsonArray();
        foreach (var (index, block) in _blocks)
        {
            var type = block["type"]?.GetValue<string>();
            if (_text.TryGetValue(index, out var text)) block[type == "thinking" ? "thinking" : "text"] = text.ToString();
            if (_json.TryGetValue(index, out var json))
                block["input"] = json.Length == 0 ? new JsonObject() : JsonNode.Parse(json.ToString());
            content.Add(block.DeepClone());
        }
        _message["content"] = content;
        return Encoding.UTF8.GetBytes(_message.ToJsonString());
    }
}
