using System.Text.Json;
using Gateway.Alerts.State;

namespace Gateway.Alerts.Delivery;

/// <summary>
/// The generic webhook body: LiteLLM's webhook event fields (<c>spend</c>, <c>max_budget</c>, <c>token</c>, <c>user_id</c>,
/// <c>team_id</c>, <c>user_email</c>, <c>key_alias</c>, <c>customer_id</c>, <c>projected_exceeded_date</c>,
/// <c>projected_spend</c>, <c>event</c>, <c>event_group</c>, <c>event_message</c>), then this gateway's: the alert's id
/// (the receiver's dedup key for at-least-once delivery), type, subject, time and details.
/// </summary>
public static class WebhookPayload
{
    public static byte[] Build(AlertRecord a)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            Number(w, "spend", a.Spend);
            Number(w, "max_budget", a.MaxBudget);
            w.WriteString("token", a.Token);
            w.WriteString("user_id", a.UserId);
            w.WriteString("team_id", a.TeamId);
            w.WriteString("user_email", a.UserEmail);
            w.WriteString("key_alias", a.KeyAlias);
            w.WriteString("customer_id", a.CustomerId);
            if (a.ProjectedExceededDate is { } at) w.WriteString("projected_exceeded_date", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
            else w.WriteNull("projected_exceeded_date");
            Number(w, "projected_spend", a.ProjectedSpend);
            w.WriteString("event", a.Event);
            w.WriteString("event_group", a.EventGroup);
            w.WriteString("event_message", a.Message);
            w.WriteString("alert_id", a.Id);
            w.WriteString("alert_type", a.AlertType);
            w.WriteString("subject", a.Subject);
            w.WriteString("fired_at", a.FiredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"));
            w.WriteStartObject("details");
            foreach (var (k, v) in a.Details) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void Number(Utf8JsonWriter w, string name, decimal? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
