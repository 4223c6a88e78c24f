using System.Text;
using System.Text.Json;
using Gateway.Chat;
using Gateway.Providers.Translation;

namespace Gateway.Providers.Gemini;

/// <summary>
/// What one <c>GenerateContentResponse</c> (a whole answer, or one stream event) says: text, thoughts, function calls
/// (given gateway-minted ids), the finish reason and usage. A prompt blocked by <c>promptFeedback.blockReason</c> has no
/// candidates and finishes as <c>content_filter</c>. Only the first candidate is read (the gateway asks for one).
/// </summary>
public sealed class GeminiAnswer
{
    public string Text { get; private set; } = "";
    public string Reasoning { get; private set; } = "";
    public List<ToolCallOut> Calls { get; } = [];
    public string? FinishReason { get; private set; }
    public TokenUsage? Usage { get; private set; }
    public string? Id { get; private set; }
    public string? Model { get; private set; }

    public static GeminiAnswer Read(JsonElement root)
    {
        var a = new GeminiAnswer
        {
            Id = JsonBytes.String(root, "responseId"),
            Model = JsonBytes.String(root, "modelVersion"),
        };
        if (JsonBytes.TryGet(root, "usageMetadata", JsonValueKind.Object, out var meta)) a.Usage = GeminiUsage.Read(meta);
        if (JsonBytes.TryGet(root, "promptFeedback", JsonValueKind.Object, out var pf) && JsonBytes.String(pf, "blockReason") is not null)
        {
            a.FinishReason = "content_filter";
            return a;
        }
        if (!JsonBytes.TryGet(root, "candidates", JsonValueKind.Array, out var candidates) || candidates.GetArrayLength() == 0) return a;
        var c = candidates[0];
        var text = new StringBuilder();
        var thoughts = new StringBuilder();
        if (JsonBytes.TryGet(c, "content", JsonValueKind.Object, out var content) && JsonBytes.TryGet(content, "parts", JsonValueKind.Array, out var parts))
            foreach (var part in parts.EnumerateArray())
            {
                if (JsonBytes.TryGet(part, "functionCall", JsonValueKind.Object, out var fc))
                {
                    var name = JsonBytes.String(fc, "name") ?? "";
                    var args = fc.TryGetProperty("args", out var ar) && ar.ValueKind == JsonValueKind.Object ? ar.GetRawText() : "{}";
                    a.Calls.Add(new ToolCallOut(GeminiToolCallIds.Mint(name, JsonBytes.String(part, "thoughtSignature")), name, args));
                }
                else if (JsonBytes.String(part, "text") is { } t)
                {
                    if (part.TryGetProperty("thought", out var th) && th.ValueKind == JsonValueKind.True) thoughts.Append(t);
                    else text.Append(t);
                }
            }
        a.Text = text.ToString();
        a.Reasoning = thoughts.ToString();
        if (JsonBytes.String(c, "finishReason") is { } reason) a.FinishReason = GeminiFinishReason.ToOpenAI(reason, a.Calls.Count > 0);
        return a;
    }
}
