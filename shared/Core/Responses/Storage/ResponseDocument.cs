using System.Text.Json;
using Gateway.Providers.Translation;

namespace Gateway.Responses.Storage;

/// <summary>
/// What a bridged response keeps: <c>response</c> (as the client got it), <c>input</c> (its own input items, each with an
/// id, for <c>/input_items</c>) and <c>conversation</c> (every item up to and including its output, so a later
/// <c>previous_response_id</c> rebuilds the chat in one read).
/// </summary>
internal static class ResponseDocument
{
    public static byte[] Write(ReadOnlyMemory<byte> response, JsonElement request, string responseId, IReadOnlyList<JsonElement> history, IReadOnlyList<OutputItem> output) =>
        JsonBytes.Write((response, request, responseId, history, output), static (w, s) =>
        {
            w.WriteStartObject();
            w.WritePropertyName("response");
            w.WriteRawValue(s.response.Span, skipInputValidation: true);
            w.WriteStartArray("input");
            WriteInput(w, s.request, s.responseId);
            w.WriteEndArray();
            w.WriteStartArray("conversation");
            foreach (var item in s.history) item.WriteTo(w);
            WriteInput(w, s.request, s.responseId);
            foreach (var item in s.output) ResponseShapes.WriteItem(w, item, "completed");
            w.WriteEndArray();
            w.WriteEndObject();
        });

    /// <summary>The request's input as items: a string becomes one user message; items without an id get one.</summary>
    private static void WriteInput(Utf8JsonWriter w, JsonElement request, string responseId)
    {
        if (!request.TryGetProperty("input", out var input)) return;
        var suffix = responseId[(responseId.IndexOf('_') + 1)..];
        if (input.ValueKind == JsonValueKind.String)
        {
            w.WriteStartObject();
            w.WriteString("id", $"msg_{suffix}in0");
            w.WriteString("type", "message");
            w.WriteString("role", "user");
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "input_text");
            w.WriteString("text", input.GetString());
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            return;
        }
        if (input.ValueKind != JsonValueKind.Array) return;
        var i = 0;
        foreach (var item in input.EnumerateArray())
        {
            w.WriteStartObject();
            if (JsonBytes.String(item, "id") is null) w.WriteString("id", $"{(JsonBytes.String(item, "type") is "function_call_output" ? "fco" : "msg")}_{suffix}in{i}");
            if (JsonBytes.String(item, "type") is null) w.WriteString("type", "message");
            foreach (var p in item.EnumerateObject()) p.WriteTo(w);
            w.WriteEndObject();
            i++;
        }
    }

    public static JsonElement Part(JsonDocument doc, string name) =>
        doc.RootElement.TryGetProperty(name, out var v) ? v : default;
}
