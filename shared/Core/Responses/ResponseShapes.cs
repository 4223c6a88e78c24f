using System.Text.Json;
using Gateway.Providers.Translation;

namespace Gateway.Responses;

/// <summary>One output item of a bridged response, as it is built from chat: a message, a function call, or reasoning.</summary>
internal sealed class OutputItem(string type, string id)
{
    public string Type => type;
    public string Id => id;
    public System.Text.StringBuilder Text { get; } = new();
    public string? CallId { get; init; }
    public string? Name { get; init; }
}

/// <summary>
/// The Responses API's JSON shapes, written with <see cref="Utf8JsonWriter"/> (Native AOT): output items, <c>usage</c>, and
/// the <c>response</c> object with the request's settings echoed as OpenAI echoes them.
/// </summary>
internal static class ResponseShapes
{
    public static void WriteItem(Utf8JsonWriter w, OutputItem item, string status)
    {
        w.WriteStartObject();
        switch (item.Type)
        {
            case "message":
                w.WriteString("id", item.Id);
                w.WriteString("type", "message");
                w.WriteString("status", status);
                w.WriteString("role", "assistant");
                w.WriteStartArray("content");
                if (status != "in_progress") WriteTextPart(w, item.Text.ToString());
                w.WriteEndArray();
                break;
            case "function_call":
                w.WriteString("id", item.Id);
                w.WriteString("type", "function_call");
                w.WriteString("status", status);
                w.WriteString("arguments", status == "in_progress" ? "" : item.Text.ToString());
                w.WriteString("call_id", item.CallId);
                w.WriteString("name", item.Name);
                break;
            default:
                w.WriteString("id", item.Id);
                w.WriteString("type", "reasoning");
                w.WriteStartArray("summary");
                if (status != "in_progress") WriteSummaryPart(w, item.Text.ToString());
                w.WriteEndArray();
                break;
        }
        w.WriteEndObject();
    }

    public static void WriteTextPart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "output_text");
        w.WriteStartArray("annotations");
        w.WriteEndArray();
        w.WriteStartArray("logprobs");
        w.WriteEndArray();
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    public static void WriteSummaryPart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "summary_text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    public static void WriteUsage(Utf8JsonWriter w, TokenUsage u)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", u.PromptTokens);
        w.WriteStartObject("input_tokens_details");
        w.WriteNumber("cached_tokens", u.CachedTokens);
        w.WriteEndObject();
        w.WriteNumber("output_tokens", u.CompletionTokens);
        w.WriteStartObject("output_tokens_details");
        w.WriteNumber("reasoning_tokens", u.ReasoningTokens);
        w.WriteEndObject();
        w.WriteNumber("total_tokens", u.TotalTokens == 0 ? u.PromptTokens + u.CompletionTokens : u.TotalTokens);
        w.WriteEndObject();
    }

    /// <summary>The <c>response</c> object. <paramref name="usage"/> null: not known yet (the stream's opening events).</summary>
    public static byte[] Response(ResponseHeader h, string status, IReadOnlyList<OutputItem> items, TokenUsage? usage, string? incompleteReason) =>
        JsonBytes.Write((h, status, items, usage, incompleteReason), static (w, s) => WriteResponse(w, s.h, s.status, s.items, s.usage, s.incompleteReason));

    public static void WriteResponse(Utf8JsonWriter w, ResponseHeader h, string status, IReadOnlyList<OutputItem> items, TokenUsage? usage, string? incompleteReason)
    {
        var root = h.Request;
        w.WriteStartObject();
        w.WriteString("id", h.Id);
        w.WriteString("object", "response");
        w.WriteNumber("created_at", h.CreatedAt);
        w.WriteString("status", status);
        w.WriteBoolean("background", false);
        w.WriteNull("error");
        if (incompleteReason is null) w.WriteNull("incomplete_details");
        else
        {
            w.WriteStartObject("incomplete_details");
            w.WriteString("reason", incompleteReason);
            w.WriteEndObject();
        }
        Echo(w, root, "instructions");
        Echo(w, root, "max_output_tokens");
        w.WriteString("model", h.Model);
        w.WriteStartArray("output");
        foreach (var item in items) WriteItem(w, item, status == "in_progress" ? "in_progress" : status == "incomplete" ? "incomplete" : "completed");
        w.WriteEndArray();
        w.WriteBoolean("parallel_tool_calls", !(root.TryGetProperty("parallel_tool_calls", out var p) && p.ValueKind == JsonValueKind.False));
        Echo(w, root, "previous_response_id");
        w.WriteStartObject("reasoning");
        var reasoning = JsonBytes.TryGet(root, "reasoning", JsonValueKind.Object, out var r) ? r : default;
        Echo(w, reasoning, "effort");
        Echo(w, reasoning, "summary");
        w.WriteEndObject();
        w.WriteBoolean("store", h.Stored);
        Echo(w, root, "temperature", 1);
        w.WriteStartObject("text");
        if (JsonBytes.TryGet(root, "text", JsonValueKind.Object, out var text) && JsonBytes.TryGet(text, "format", JsonValueKind.Object, out var format))
        {
            w.WritePropertyName("format");
            format.WriteTo(w);
        }
        else
        {
            w.WriteStartObject("format");
            w.WriteString("type", "text");
            w.WriteEndObject();
        }
        w.WriteEndObject();
        if (root.TryGetProperty("tool_choice", out var choice) && choice.ValueKind != JsonValueKind.Null)
        {
            w.WritePropertyName("tool_choice");
            choice.WriteTo(w);
        }
        else w.WriteString("tool_choice", "auto");
        w.WritePropertyName("tools");
        if (JsonBytes.TryGet(root, "tools", JsonValueKind.Array, out var tools)) tools.WriteTo(w);
        else
        {
            w.WriteStartArray();
            w.WriteEndArray();
        }
        Echo(w, root, "top_p", 1);
        w.WriteString("truncation", JsonBytes.String(root, "truncation") ?? "disabled");
        if (usage is { } u) WriteUsage(w, u);
        else w.WriteNull("usage");
        Echo(w, root, "user");
        w.WritePropertyName("metadata");
        if (JsonBytes.TryGet(root, "metadata", JsonValueKind.Object, out var md)) md.WriteTo(w);
        else
        {
            w.WriteStartObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Echo(Utf8JsonWriter w, JsonElement obj, string name, double? fallback = null)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null)
        {
            w.WritePropertyName(name);
            v.WriteTo(w);
        }
        else if (fallback is { } f) w.WriteNumber(name, f);
        else w.WriteNull(name);
    }

    /// <summary>The status a chat <c>finish_reason</c> gives the response, and why it is incomplete when it is.</summary>
    public static (string Status, string? Reason) StatusOf(string? finish) => finish switch
    {
        "length" => ("incomplete", "max_output_tokens"),
        "content_filter" => ("incomplete", "content_filter"),
        _ => ("completed", null),
    };
}

/// <summary>What every <c>response</c> object of one call repeats: its id, time, the model as the client named it, the request echoed.</summary>
internal sealed record ResponseHeader(string Id, long CreatedAt, string Model, JsonElement Request, bool Stored);
