using System.Text.Json;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Gemini;

/// <summary>
/// Writes OpenAI messages as Gemini <c>contents</c>. Consecutive turns of one role are merged, so the answers to
/// parallel function calls travel together in one user turn as Gemini expects. Blank text parts are never sent.
/// </summary>
internal static class GeminiContentsWriter
{
    public static void Write(Utf8JsonWriter w, JsonElement messages, bool systemAsUser = false)
    {
        var names = GeminiToolCallIds.NamesById(messages);
        var turn = new TurnWriter(w, "parts");
        w.WriteStartArray("contents");
        var i = 0;
        foreach (var m in messages.EnumerateArray())
        {
            m.TryGetProperty("content", out var content);
            switch (JsonBytes.String(m, "role"))
            {
                case "system" or "developer" when systemAsUser:
                    if (JsonBytes.Text(content) is { } system && !string.IsNullOrWhiteSpace(system)) WriteText(turn.Open("user"), system);
                    break;
                case "user":
                    WriteUser(turn, content, $"messages[{i}]");
                    break;
                case "assistant":
                    var text = JsonBytes.Text(content);
                    if (!string.IsNullOrWhiteSpace(text)) WriteText(turn.Open("model"), text);
                    if (JsonBytes.TryGet(m, "tool_calls", JsonValueKind.Array, out var calls))
                    {
                        var j = 0;
                        foreach (var call in calls.EnumerateArray())
                        {
                            var param = $"messages[{i}].tool_calls[{j++}]";
                            var f = call.TryGetProperty("function", out var fn) ? fn : default;
                            var name = JsonBytes.String(f, "name") ?? throw Errors.MissingField(param + ".function.name", "the function's name");
                            using var args = JsonBytes.Arguments(JsonBytes.String(f, "arguments"), param + ".function.arguments");
                            var tw = turn.Open("model");
                            tw.WriteStartObject();
                            tw.WriteStartObject("functionCall");
                            tw.WriteString("name", name);
                            tw.WritePropertyName("args");
                            args.RootElement.WriteTo(tw);
                            tw.WriteEndObject();
                            if (JsonBytes.String(call, "id") is { } callId && GeminiToolCallIds.Signature(callId) is { } signature)
                                tw.WriteString("thoughtSignature", signature);
                            tw.WriteEndObject();
                        }
                    }
                    break;
                case "tool":
                    WriteFunctionResponse(turn, m, content, names, $"messages[{i}]");
                    break;
            }
            i++;
        }
        turn.Close();
        w.WriteEndArray();
    }

    private static void WriteText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void WriteUser(TurnWriter turn, JsonElement content, string param)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            if (!string.IsNullOrWhiteSpace(content.GetString())) WriteText(turn.Open("user"), content.GetString()!);
            return;
        }
        if (content.ValueKind != JsonValueKind.Array) return;
        var k = 0;
        foreach (var part in content.EnumerateArray())
        {
            switch (JsonBytes.String(part, "type"))
            {
                case "text":
                    if (JsonBytes.String(part, "text") is { } t && !string.IsNullOrWhiteSpace(t)) WriteText(turn.Open("user"), t);
                    break;
                case "image_url":
                    var url = JsonBytes.TryGet(part, "image_url", JsonValueKind.Object, out var iu) ? JsonBytes.String(iu, "url") : null;
                    if (url is null) throw Errors.InvalidField($"{param}.content[{k}].image_url", "expected {\"url\": ...}");
                    WriteMedia(turn.Open("user"), url);
                    break;
                case "file" when JsonBytes.TryGet(part, "file", JsonValueKind.Object, out var file) && JsonBytes.String(file, "file_data") is { } data:
                    WriteMedia(turn.Open("user"), data);
                    break;
                default:
                    throw Errors.InvalidField($"{param}.content[{k}].type", $"'{JsonBytes.String(part, "type")}' content parts cannot be sent to a Gemini model");
            }
            k++;
        }
    }

    /// <summary>Inline data for data: URLs; other URLs as <c>fileData</c> (Gemini fetches them; the type is guessed from the extension).</summary>
    private static void WriteMedia(Utf8JsonWriter w, string url)
    {
        w.WriteStartObject();
        if (DataUrl.TryParse(url, out var mediaType, out var data))
        {
            w.WriteStartObject("inlineData");
            w.WriteString("mimeType", mediaType);
            w.WriteString("data", data);
        }
        else
        {
            w.WriteStartObject("fileData");
            w.WriteString("mimeType", GuessMimeType(url));
            w.WriteString("fileUri", url);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string GuessMimeType(string url)
    {
        var path = url.Split('?', '#')[0].ToLowerInvariant();
        return Path.GetExtension(path) switch
        {
            ".png" => "image/png",
            ".gif" => "image/gif",
            ".webp" => "image/webp",
            ".pdf" => "application/pdf",
            _ => "image/jpeg",
        };
    }

    /// <summary>A tool message; its text goes in <c>response.result</c>, or <c>response.error</c> when <c>is_error</c> is set.</summary>
    private static void WriteFunctionResponse(TurnWriter turn, JsonElement m, JsonElement content, Dictionary<string, string> names, string param)
    {
        var id = JsonBytes.String(m, "tool_call_id") ?? throw Errors.MissingField(param + ".tool_call_id", "the id of the tool call this answers");
        var name = names.GetValueOrDefault(id) ?? GeminiToolCallIds.NameFromId(id)
            ?? throw Errors.InvalidField(param + ".tool_call_id", $"no earlier assistant tool call has the id '{id}'");
        var isError = m.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True;
        var w = turn.Open("user");
        w.WriteStartObject();
        w.WriteStartObject("functionResponse");
        w.WriteString("name", name);
        w.WriteStartObject("response");
        w.WriteString(isError ? "error" : "result", JsonBytes.Text(content) ?? "");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
