using System.Text.Json;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Completions;

/// <summary>
/// A legacy completions request -> a chat request, for models served through chat: the prompt becomes one user message.
/// Refused with a 400, since chat has no equivalent: several prompts, token-id prompts, <c>echo</c>, <c>suffix</c>,
/// <c>logprobs</c> and <c>best_of</c> above 1.
/// </summary>
internal static class CompletionsToChat
{
    public static byte[] Write(JsonElement root, bool stream)
    {
        var prompt = root.GetProperty("prompt");
        if (prompt.ValueKind == JsonValueKind.Array)
        {
            if (prompt.GetArrayLength() != 1 || prompt[0].ValueKind != JsonValueKind.String)
                throw Errors.InvalidField("prompt", "a model served through chat takes one prompt string");
            prompt = prompt[0];
        }
        foreach (var name in new[] { "echo", "suffix", "logprobs" })
            if (root.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.False))
                throw Errors.InvalidField(name, "not available on a model served through chat");
        if (JsonBytes.Int(root, "best_of") > 1) throw Errors.InvalidField("best_of", "not available on a model served through chat");
        return JsonBytes.Write((root, prompt.GetString()!, stream), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("model", JsonBytes.String(s.root, "model"));
            w.WriteStartArray("messages");
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteString("content", s.Item2);
            w.WriteEndObject();
            w.WriteEndArray();
            foreach (var name in new[] { "max_tokens", "n", "temperature", "top_p", "stop", "user", "seed", "presence_penalty", "frequency_penalty" })
                if (s.root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null)
                {
                    w.WritePropertyName(name);
                    v.WriteTo(w);
                }
            if (s.stream)
            {
                w.WriteBoolean("stream", true);
                w.WriteStartObject("stream_options");
                w.WriteBoolean("include_usage", true);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        });
    }
}
