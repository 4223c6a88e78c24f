using System.Text.Json;
using Gateway.Alerts.State;

namespace Gateway.Alerts.Delivery;

/// <summary>
/// A Microsoft Teams workflow webhook body: a <c>message</c> with one Adaptive Card attachment (title, message, and the
/// figures as a FactSet), the shape the "Post to a channel when a webhook request is received" workflow reads.
/// </summary>
public static class TeamsCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    public static byte[] Build(AlertRecord a)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "message");
            w.WriteStartArray("attachments");
            w.WriteStartObject();
            w.WriteString("contentType", ContentType);
            w.WriteNull("contentUrl");
            w.WriteStartObject("content");
            w.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
            w.WriteString("type", "AdaptiveCard");
            w.WriteString("version", "1.4");
            w.WriteStartArray("body");
            TextBlock(w, AlertText.Title(a), bold: true);
            TextBlock(w, a.Message, bold: false);
            w.WriteStartObject();
            w.WriteString("type", "FactSet");
            w.WriteStartArray("facts");
            foreach (var (name, value) in AlertText.Facts(a).Append(("Alert", a.Id)))
            {
                w.WriteStartObject();
                w.WriteString("title", name);
                w.WriteString("value", value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void TextBlock(Utf8JsonWriter w, string text, bool bold)
    {
        w.WriteStartObject();
        w.WriteString("type", "TextBlock");
        w.WriteString("text", text);
        w.WriteBoolean("wrap", true);
        if (bold)
        {
            w.WriteString("weight", "Bolder");
            w.WriteString("size", "Medium");
        }
        w.WriteEndObject();
    }
}
