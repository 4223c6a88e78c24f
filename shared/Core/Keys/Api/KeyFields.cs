using Gateway.Http;

using Gateway.Limits;

namespace Gateway.Keys.Api;

/// <summary>Applies the fields of a <c>/key/generate</c> or <c>/key/update</c> body to a key; fields not given keep their value.</summary>
internal static class KeyFields
{
    public static KeyRecord Apply(KeyRecord key, Fields f, DateTimeOffset now)
    {
        var expires = key.Expires;
        if (f.String("duration") is { } duration)
        {
            var p = Period.ParseField(duration, "duration");
            expires = p.Months > 0 ? now.AddMonths(p.Months) : now.AddSeconds(p.Seconds);
        }
        else if (f.Has("duration") || f.Has("expires")) expires = f.String("expires") is { } e ? ParseTime(e) : null;
        var soft = f.Has("soft_budget") ? f.Money("soft_budget") : key.SoftBudget;
        return key with
        {
            Alias = f.Has("key_alias") ? f.String("key_alias") : key.Alias,
            Models = f.Strings("models") ?? key.Models,
            MaxBudget = f.Has("max_budget") ? f.Money("max_budget") : key.MaxBudget,
            SoftBudget = soft,
            BudgetDuration = f.Has("budget_duration") ? f.Duration("budget_duration") : key.BudgetDuration,
            Rpm = f.Has("rpm_limit") ? f.Int("rpm_limit") : key.Rpm,
            Tpm = f.Has("tpm_limit") ? f.Long("tpm_limit") : key.Tpm,
            MaxParallel = f.Has("max_parallel_requests") ? f.Int("max_parallel_requests") : key.MaxParallel,
            Expires = expires,
            Metadata = f.Has("metadata") ? f.Object("metadata") : key.Metadata,
            Tags = f.Has("tags") ? f.Strings("tags") : key.Tags,
            TeamId = f.Has("team_id") ? f.String("team_id") : key.TeamId,
            UserId = f.Has("user_id") ? f.String("user_id") : key.UserId,
            Blocked = f.Bool("blocked") ?? key.Blocked,
            UpdatedAt = now,
        };
    }

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t : throw Errors.InvalidField("expires", "expected an ISO 8601 time");
}
