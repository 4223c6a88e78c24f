using System.Text.Json;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Providers.Translation;

namespace Gateway.Completions;

/// <summary>
/// Chat answers -> legacy <c>text_completion</c> ones: each choice's message (or delta) content becomes its <c>text</c>;
/// id, created, model, finish reasons and usage carry over.
/// </summary>
internal static class TextCompletionShapes
{
    /// <summary>A whole <c>chat.completion</c>, or one <c>chat.completion.chunk</c>, in the legacy shape.</summary>
    public static byte[] FromChat(ReadOnlySpan<byte> chat, string deployment)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(chat);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw Errors.UpstreamProtocol(deployment, e.Message);
        }
        using (doc)
            return JsonBytes.Write(doc.RootElement, static (w, root) =>
            {
                w.WriteStartObject();
                var id = JsonBytes.String(root, "id") ?? "";
                w.WriteString("id", id.StartsWith("chatcmpl-", StringComparison.Ordinal) ? "cmpl-" + id["chatcmpl-".Length..] : id);
                w.WriteString("object", "text_completion");
                if (JsonBytes.TryGet(root, "created", JsonValueKind.Number, out var created))
                {
                    w.WritePropertyName("created");
                    created.WriteTo(w);
                }
                w.WriteString("model", JsonBytes.String(root, "model"));
                w.WriteStartArray("choices");
                if (JsonBytes.TryGet(root, "choices", JsonValueKind.Array, out var choices))
                    foreach (var c in choices.EnumerateArray())
                    {
                        var body = c.TryGetProperty("message", out var m) ? m : c.TryGetProperty("delta", out var d) ? d : default;
                        w.WriteStartObject();
                        w.WriteString("text", JsonBytes.String(body, "content") ?? "");
                        w.WriteNumber("index", JsonBytes.Int(c, "index"));
                        w.WriteNull("logprobs");
                        if (JsonBytes.String(c, "finish_reason") is { } f) w.WriteString("finish_reason", f);
                        else w.WriteNull("finish_reason");
                        w.WriteEndObject();
                    }
                w.WriteEndArray();
                if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
                {
                    w.WritePropertyName("usage");
                    usage.WriteTo(w);
                }
                w.WriteEndObject();
            });
    }
}

/// <summary>A chat stream read as legacy <c>text_completion</c> chunks, so the chat relay (usage, [DONE], errors) serves it unchanged.</summary>
internal sealed class TextCompletionStream(ChatStream chat, ChatRequest request, string deployment) : ChatStream
{
    private byte[] _current = [];

    public override ReadOnlyMemory<byte> Current => _current;

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        if (!await chat.ReadAsync(ct)) return false;
        _current = TextCompletionShapes.FromChat(chat.Current.Span, deployment);
        return true;
    }

    public override async ValueTask DisposeAsync()
    {
        await chat.DisposeAsync();
        request.Dispose();
    }
}
