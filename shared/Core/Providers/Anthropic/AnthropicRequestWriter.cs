using System.Text.Json;
using Gateway.Config;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Anthropic;

/// <summary>
/// OpenAI chat request -> Anthropic Messages request. System and developer messages become <c>system</c>; tool
/// messages become <c>tool_result</c> blocks, and consecutive turns of one role are merged (Anthropic wants tool
/// results of one assistant turn in a single user turn). <c>cache_control</c> on parts and tools passes through.
/// Blank text blocks are never sent (Anthropic rejects them).
/// </summary>
public static class AnthropicRequestWriter
{
    /// <summary>Used when neither the request nor <c>model_info.max_output_tokens</c> gives a limit (Anthropic requires one).</summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary><c>response_format: json_schema</c> is served by forcing this tool, whose input is the answer.</summary>
    public const string StructuredOutputTool = "json_response";

    public static byte[] Write(JsonElement root, DeploymentConfig d, bool stream) => JsonBytes.Write((root, d, stream), static (w, s) =>
    {
        var (root, d, stream) = s;
        // drop_params: one choice is served instead of refusing the call.
        if (JsonBytes.Int(root, "n") > 1 && !d.DropUnsupportedParams)
            throw Errors.InvalidField("n", "Anthropic models answer one choice per request (drop_params: true serves one instead)");
        w.WriteStartObject();
        w.WriteString("model", d.UpstreamModel);
        var asked = ThinkingBudget(root);
        var budget = asked;
        var max = MaxTokens(root, d);
        if (budget is { } b && max <= b)
        {
            // Anthropic requires max_tokens > budget_tokens. A cap the request set is what its budget reservation paid
            // for, so it holds and thinking fits under it (or is left out); without one, the cap is raised above thinking.
            if (ClientCap(root) is null) max = b + DefaultMaxTokens;
            else budget = max - 1 >= MinThinkingBudget ? max - 1 : null;
        }
        w.WriteNumber("max_tokens", max);
        var messages = root.GetProperty("messages");
        if (AnthropicMessagesWriter.HasTurns(messages))
        {
            WriteSystem(w, messages);
            AnthropicMessagesWriter.Write(w, messages);
        }
        else AnthropicMessagesWriter.WriteSystemAsUser(w, messages); // Anthropic needs at least one message
        var structured = StructuredSchema(root, out var schema);
        WriteTools(w, root, structured ? schema : default);
        WriteToolChoice(w, root, structured);
        WriteStop(w, root);
        foreach (var name in new[] { "temperature", "top_p", "top_k" })
            if (JsonBytes.TryGet(root, name, JsonValueKind.Number, out var n))
            {
                w.WritePropertyName(name);
                n.WriteTo(w);
            }
        if (JsonBytes.String(root, "user") is { } user)
        {
            w.WriteStartObject("metadata");
            w.WriteString("user_id", user);
            w.WriteEndObject();
        }
        if (budget == asked && JsonBytes.TryGet(root, "thinking", JsonValueKind.Object, out var thinking))
        {
            w.WritePropertyName("thinking");
            thinking.WriteTo(w);
        }
        else if (budget is { } tb)
        {
            w.WriteStartObject("thinking");
            w.WriteString("type", "enabled");
            w.WriteNumber("budget_tokens", tb);
            w.WriteEndObject();
        }
        if (stream) w.WriteBoolean("stream", true);
        w.WriteEndObject();
    });

    /// <summary>True when the request asks for <c>response_format: json_schema</c>; the answer then comes back as text.</summary>
    public static bool IsStructured(JsonElement root) => StructuredSchema(root, out _);

    /// <summary>Anthropic's smallest thinking budget.</summary>
    private const int MinThinkingBudget = 1024;

    /// <summary>The output cap the request itself sets (<c>max_completion_tokens</c>, else <c>max_tokens</c>), if any.</summary>
    private static int? ClientCap(JsonElement root)
    {
        foreach (var name in new[] { "max_completion_tokens", "max_tokens" })
            if (JsonBytes.TryGet(root, name, JsonValueKind.Number, out var v) && v.TryGetInt32(out var n) && n > 0) return n;
        return null;
    }

    private static int MaxTokens(JsonElement root, DeploymentConfig d)
    {
        if (ClientCap(root) is { } n) return n;
        // model_info values come from YAML as numbers or strings; read the text either way.
        if (d.ModelInfo["max_output_tokens"]?.ToString() is { } info && double.TryParse(info, System.Globalization.CultureInfo.InvariantCulture, out var m) && m >= 1)
            return (int)Math.Min(m, int.MaxValue);
        return DefaultMaxTokens;
    }

    /// <summary><c>thinking.budget_tokens</c> given directly, else OpenAI's <c>reasoning_effort</c> mapped to a budget.</summary>
    private static int? ThinkingBudget(JsonElement root)
    {
        if (JsonBytes.TryGet(root, "thinking", JsonValueKind.Object, out var t))
            return JsonBytes.String(t, "type") == "enabled" && JsonBytes.Int(t, "budget_tokens") is > 0 and var b ? b : null;
        return JsonBytes.String(root, "reasoning_effort") switch
        {
            "minimal" or "low" => 1024,
            "medium" => 4096,
            "high" => 16384,
            _ => null,
        };
    }

    private static void WriteSystem(Utf8JsonWriter w, JsonElement messages)
    {
        var open = false;
        foreach (var m in messages.EnumerateArray())
        {
            if (JsonBytes.String(m, "role") is not ("system" or "developer") || !m.TryGetProperty("content", out var content)) continue;
            foreach (var (text, cache) in AnthropicMessagesWriter.TextParts(content))
            {
                if (!open)
                {
                    w.WriteStartArray("system");
                    open = true;
                }
                AnthropicMessagesWriter.WriteText(w, text, cache);
            }
        }
        if (open) w.WriteEndArray();
    }

    private static bool StructuredSchema(JsonElement root, out JsonElement schema)
    {
        schema = default;
        return JsonBytes.TryGet(root, "response_format", JsonValueKind.Object, out var rf) && JsonBytes.String(rf, "type") == "json_schema"
            && JsonBytes.TryGet(rf, "json_schema", JsonValueKind.Object, out var js) && JsonBytes.TryGet(js, "schema", JsonValueKind.Object, out schema);
    }

    private static void WriteTools(Utf8JsonWriter w, JsonElement root, JsonElement structuredSchema)
    {
        var hasTools = JsonBytes.TryGet(root, "tools", JsonValueKind.Array, out var tools) && tools.GetArrayLength() > 0;
        if (!hasTools && structuredSchema.ValueKind != JsonValueKind.Object) return;
        w.WriteStartArray("tools");
        if (hasTools)
        {
            var i = 0;
            foreach (var t in tools.EnumerateArray())
            {
                if (!JsonBytes.TryGet(t, "function", JsonValueKind.Object, out var f) || JsonBytes.String(f, "name") is not { } name)
                    throw Errors.InvalidField($"tools[{i}]", "expected {\"type\":\"function\",\"function\":{\"name\":...}}");
                w.WriteStartObject();
                w.WriteString("name", name);
                if (JsonBytes.String(f, "description") is { Length: > 0 } description) w.WriteString("description", description);
                w.WritePropertyName("input_schema");
                if (JsonBytes.TryGet(f, "parameters", JsonValueKind.Object, out var p)) p.WriteTo(w);
                else w.WriteRawValue("""{"type":"object","properties":{}}""");
                if (t.TryGetProperty("cache_control", out var cc) || f.TryGetProperty("cache_control", out cc))
                {
                    w.WritePropertyName("cache_control");
                    cc.WriteTo(w);
                }
                w.WriteEndObject();
                i++;
            }
        }
        if (structuredSchema.ValueKind == JsonValueKind.Object)
        {
            w.WriteStartObject();
            w.WriteString("name", StructuredOutputTool);
            w.WriteString("description", "Give the answer as this tool's input; it must match the schema.");
            w.WritePropertyName("input_schema");
            structuredSchema.WriteTo(w);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteToolChoice(Utf8JsonWriter w, JsonElement root, bool structured)
    {
        var noParallel = root.TryGetProperty("parallel_tool_calls", out var ptc) && ptc.ValueKind == JsonValueKind.False;
        if (structured)
        {
            w.WriteStartObject("tool_choice");
            w.WriteString("type", "tool");
            w.WriteString("name", StructuredOutputTool);
            w.WriteEndObject();
            return;
        }
        if (!JsonBytes.TryGet(root, "tools", JsonValueKind.Array, out var tools) || tools.GetArrayLength() == 0) return;
        string? type = null, name = null;
        if (root.TryGetProperty("tool_choice", out var tc))
        {
            if (tc.ValueKind == JsonValueKind.String)
                type = tc.GetString() switch
                {
                    "none" => "none",
                    "required" => "any",
                    _ => "auto",
                };
            else if (tc.ValueKind == JsonValueKind.Object && JsonBytes.TryGet(tc, "function", JsonValueKind.Object, out var f) && JsonBytes.String(f, "name") is { } n)
                (type, name) = ("tool", n);
        }
        if (type is null && !noParallel) return;
        w.WriteStartObject("tool_choice");
        w.WriteString("type", type ?? "auto");
        if (name is not null) w.WriteString("name", name);
        if (noParallel && type != "none") w.WriteBoolean("disable_parallel_tool_use", true);
        w.WriteEndObject();
    }

    private static void WriteStop(Utf8JsonWriter w, JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var stop)) return;
        var list = stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array => stop.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray(),
            _ => Array.Empty<string>(),
        };
        // Anthropic rejects whitespace-only stop sequences.
        list = list.Where(x => !string.IsNullOrWhiteSpace(x)).ToArray();
        if (list.Length == 0) return;
        w.WriteStartArray("stop_sequences");
        foreach (var x in list) w.WriteStringValue(x);
        w.WriteEndArray();
    }
}
