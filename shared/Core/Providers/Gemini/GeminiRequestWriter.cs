using System.Text.Json;
using Gateway.Config;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Gemini;

/// <summary>
/// OpenAI chat request -> Gemini <c>generateContent</c> body: system messages to <c>systemInstruction</c>, the rest to
/// <c>contents</c> (assistant is <c>model</c>; tool results are <c>functionResponse</c> parts of a user turn, merged per
/// turn), tools to <c>functionDeclarations</c> with their schemas cut to Gemini's subset, and sampling options,
/// <c>response_format</c> and <c>reasoning_effort</c> to <c>generationConfig</c>.
/// </summary>
public static class GeminiRequestWriter
{
    public static byte[] Write(JsonElement root, DeploymentConfig d) => JsonBytes.Write((root, d), static (w, s) =>
    {
        var (root, d) = s;
        // drop_params: one choice is served instead of refusing the call.
        if (JsonBytes.Int(root, "n") > 1 && !d.DropUnsupportedParams)
            throw Errors.InvalidField("n", "Gemini models here answer one choice per request (drop_params: true serves one instead)");
        var messages = root.GetProperty("messages");
        w.WriteStartObject();
        // A system-only prompt is sent as the user turn: Gemini needs at least one content.
        var systemOnly = !messages.EnumerateArray().Any(m => JsonBytes.String(m, "role") is "user" or "assistant" or "tool");
        GeminiContentsWriter.Write(w, messages, systemOnly);
        if (!systemOnly) WriteSystem(w, messages);
        WriteTools(w, root);
        WriteGenerationConfig(w, root);
        WriteSafetySettings(w, root, d);
        w.WriteEndObject();
    });

    /// <summary>The request's own <c>safety_settings</c> (LiteLLM's name), else the deployment's; Gemini's field names are the same.</summary>
    private static void WriteSafetySettings(Utf8JsonWriter w, JsonElement root, DeploymentConfig d)
    {
        if (JsonBytes.TryGet(root, "safety_settings", JsonValueKind.Array, out var own))
        {
            w.WritePropertyName("safetySettings");
            own.WriteTo(w);
        }
        else if (d.SafetySettings is { } configured)
        {
            w.WritePropertyName("safetySettings");
            configured.WriteTo(w);
        }
    }

    private static void WriteSystem(Utf8JsonWriter w, JsonElement messages)
    {
        var open = false;
        foreach (var m in messages.EnumerateArray())
        {
            if (JsonBytes.String(m, "role") is not ("system" or "developer") || !m.TryGetProperty("content", out var content)) continue;
            var text = JsonBytes.Text(content);
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (!open)
            {
                w.WriteStartObject("systemInstruction");
                w.WriteStartArray("parts");
                open = true;
            }
            w.WriteStartObject();
            w.WriteString("text", text);
            w.WriteEndObject();
        }
        if (!open) return;
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter w, JsonElement root)
    {
        if (!JsonBytes.TryGet(root, "tools", JsonValueKind.Array, out var tools) || tools.GetArrayLength() == 0) return;
        w.WriteStartArray("tools");
        w.WriteStartObject();
        w.WriteStartArray("functionDeclarations");
        var i = 0;
        foreach (var t in tools.EnumerateArray())
        {
            if (!JsonBytes.TryGet(t, "function", JsonValueKind.Object, out var f) || JsonBytes.String(f, "name") is not { } name)
                throw Errors.InvalidField($"tools[{i}]", "expected {\"type\":\"function\",\"function\":{\"name\":...}}");
            w.WriteStartObject();
            w.WriteString("name", name);
            if (JsonBytes.String(f, "description") is { Length: > 0 } d) w.WriteString("description", d);
            if (f.TryGetProperty("parameters", out var p) && GeminiSchema.HasProperties(p))
            {
                w.WritePropertyName("parameters");
                GeminiSchema.Write(w, p);
            }
            w.WriteEndObject();
            i++;
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();

        if (!root.TryGetProperty("tool_choice", out var tc)) return;
        string mode;
        string? only = null;
        if (tc.ValueKind == JsonValueKind.String)
            mode = tc.GetString() switch { "none" => "NONE", "required" => "ANY", _ => "AUTO" };
        else if (JsonBytes.TryGet(tc, "function", JsonValueKind.Object, out var fn) && JsonBytes.String(fn, "name") is { } n)
            (mode, only) = ("ANY", n);
        else return;
        w.WriteStartObject("toolConfig");
        w.WriteStartObject("functionCallingConfig");
        w.WriteString("mode", mode);
        if (only is not null)
        {
            w.WriteStartArray("allowedFunctionNames");
            w.WriteStringValue(only);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteGenerationConfig(Utf8JsonWriter w, JsonElement root)
    {
        w.WriteStartObject("generationConfig");
        Copy(w, root, "temperature", "temperature");
        Copy(w, root, "top_p", "topP");
        Copy(w, root, "top_k", "topK");
        Copy(w, root, "seed", "seed");
        Copy(w, root, "presence_penalty", "presencePenalty");
        Copy(w, root, "frequency_penalty", "frequencyPenalty");
        if (!Copy(w, root, "max_completion_tokens", "maxOutputTokens")) Copy(w, root, "max_tokens", "maxOutputTokens");
        if (root.TryGetProperty("stop", out var stop) && stop.ValueKind is JsonValueKind.String or JsonValueKind.Array)
        {
            w.WriteStartArray("stopSequences");
            if (stop.ValueKind == JsonValueKind.String) w.WriteStringValue(stop.GetString());
            else foreach (var s in stop.EnumerateArray()) s.WriteTo(w);
            w.WriteEndArray();
        }
        if (JsonBytes.TryGet(root, "response_format", JsonValueKind.Object, out var rf))
        {
            var type = JsonBytes.String(rf, "type");
            if (type is "json_object" or "json_schema") w.WriteString("responseMimeType", "application/json");
            if (type == "json_schema" && JsonBytes.TryGet(rf, "json_schema", JsonValueKind.Object, out var js) && js.TryGetProperty("schema", out var schema))
            {
                w.WritePropertyName("responseSchema");
                GeminiSchema.Write(w, schema);
            }
        }
        var budget = JsonBytes.String(root, "reasoning_effort") switch
        {
            "none" => 0,
            "minimal" or "low" => 1024,
            "medium" => 8192,
            "high" => 24576,
            _ => (int?)null,
        };
        if (budget is { } b)
        {
            w.WriteStartObject("thinkingConfig");
            w.WriteNumber("thinkingBudget", b);
            if (b > 0) w.WriteBoolean("includeThoughts", true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static bool Copy(Utf8JsonWriter w, JsonElement root, string from, string to)
    {
        if (!JsonBytes.TryGet(root, from, JsonValueKind.Number, out var v)) return false;
        w.WritePropertyName(to);
        v.WriteTo(w);
        return true;
    }
}
