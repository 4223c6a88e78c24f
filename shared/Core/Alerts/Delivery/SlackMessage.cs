using System.Text.Json;
using Gateway.Alerts.State;

namespace Gateway.Alerts.Delivery;

/// <summary>
/// A Slack incoming-webhook body: <c>text</c> (the notification fallback) and Block Kit <c>blocks</c>: a header, the
/// message, the figures as fields, and a context line with the alert id. Discord's Slack-compatible URL takes it as is.
/// </summary>
public static class SlackMessage
{
    public static byte[] Build(AlertRecord a)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("text", $"{AlertText.Title(a)}: {a.Message}");
            w.WriteStartArray("blocks");
            w.WriteStartObject();
            w.WriteString("type", "header");
            PlainText(w, "text", AlertText.Title(a));
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("type", "section");
            Markdown(w, "text", a.Message);
            var facts = AlertText.Facts(a);
            if (facts.Count > 0)
            {
                w.WriteStartArray("fields");
                foreach (var (name, value) in facts.Take(10)) // Slack's limit per section
                {
                    w.WriteStartObject();
                    w.WriteString("type", "mrkdwn");
                    w.WriteString("text", $"*{name}*\n{value}");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("type", "context");
            w.WriteStartArray("elements");
            w.WriteStartObject();
            w.WriteString("type", "mrkdwn");
            w.WriteString("text", $"{a.AlertType} · {a.Event} · {a.FiredAt:yyyy-MM-dd HH:mm:ss} UTC · `{a.Id}`");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void PlainText(Utf8JsonWriter w, string name, string text)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "plain_text");
        w.WriteString("text", text.Length > 150 ? text[..150] : text); // header blocks take 150 characters
        w.WriteEndObject();
    }

    private static void Markdown(Utf8JsonWriter w, string name, string text)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "mrkdwn");
        w.WriteString("text", text);
        w.WriteEndObject();
    }
}
