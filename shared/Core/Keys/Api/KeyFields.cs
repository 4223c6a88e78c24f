using System.Text.Json;
using Gateway.Http;
using Gateway.Limits;

namespace Gateway.Keys.Api;

/// <summary>Applies the fields of a <c>/key/generate</c> or <c>/key/update</c> body to a key; fields not given keep their value.</summary>
internal static class KeyFields
{
    public static KeyRecord Apply(KeyRecord key, Fields f, DateTimeOffset now) => ApplyExpiry(key, f, now) with
    {
        Alias = f.Has("key_alias") ? f.String("key_alias") : key.Alias,
        Models = f.Strings("models") ?? key.Models,
        MaxBudget = f.Has("max_budget") ? f.Money("max_budget") : key.MaxBudget,
        SoftBudget = f.Has("soft_budget") ? f.Money("soft_budget") : key.SoftBudget,
        BudgetDuration = f.Has("budget_duration") ? f.Duration("budget_duration") : key.BudgetDuration,
        BudgetEnforcement = f.Has("budget_enforcement") ? f.Enforcement("budget_enforcement") : key.BudgetEnforcement,
        Rpm = f.Has("rpm_limit") ? f.Int("rpm_limit") : key.Rpm,
        Tpm = f.Has("tpm_limit") ? f.Long("tpm_limit") : key.Tpm,
        MaxParallel = f.Has("max_parallel_requests") ? f.Int("max_parallel_requests") : key.MaxParallel,
        Metadata = f.Has("metadata") ? f.Object("metadata") : key.Metadata,
        Tags = f.Has("tags") ? f.Strings("tags") : key.Tags,
        AllowedCacheControls = f.Has("allowed_cache_controls") ? Caching.CacheControls.ValidateNames(f.Strings("allowed_cache_controls")) : key.AllowedCacheControls,
        TeamId = f.Has("team_id") ? f.String("team_id") : key.TeamId,
        UserId = f.Has("user_id") ? f.String("user_id") : key.UserId,
        Blocked = f.Bool("blocked") ?? key.Blocked,
        ModelMaxBudget = f.Has("model_max_budget") ? f.Map("model_max_budget", ModelBudgetOf) : key.ModelMaxBudget,
        ModelRpm = f.Has("model_rpm_limit") ? f.CountMap("model_rpm_limit", int.MaxValue)?.ToDictionary(e => e.Key, e => (int)e.Value) : key.ModelRpm,
        ModelTpm = f.Has("model_tpm_limit") ? f.CountMap("model_tpm_limit", long.MaxValue) : key.ModelTpm,
        Aliases = f.Has("aliases") ? f.StringMap("aliases") : key.Aliases,
        Permissions = f.Has("permissions") ? f.Object("permissions") : key.Permissions,
        AllowedRoutes = f.Has("allowed_routes") ? f.Strings("allowed_routes") is { } routes ? RouteAccess.Validate(routes, "allowed_routes") : null : key.AllowedRoutes,
        UpdatedAt = now,
    };

    /// <summary><c>duration</c> (from now; null: never expires) or an explicit <c>expires</c> time.</summary>
    public static KeyRecord ApplyExpiry(KeyRecord key, Fields f, DateTimeOffset now)
    {
        if (f.String("duration") is { } duration)
        {
            var p = Period.ParseField(duration, "duration");
            return key with { Expires = p.Months > 0 ? now.AddMonths(p.Months) : now.AddSeconds(p.Seconds) };
        }
        if (f.Has("duration") || f.Has("expires")) return key with { Expires = f.String("expires") is { } e ? ParseTime(e) : null };
        return key;
    }

    /// <summary>
    /// One <c>model_max_budget</c> entry: LiteLLM's <c>{"budget_limit": 5, "time_period": "1d"}</c>, or a bare amount
    /// (its older form), which resets with the key's <c>budget_duration</c>.
    /// </summary>
    private static ModelBudget ModelBudgetOf(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Object) return new ModelBudget { Limit = Fields.Amount(v, path) };
        var entry = new Fields(v);
        if (!v.TryGetProperty("budget_limit", out var limit) || limit.ValueKind == JsonValueKind.Null)
            throw Errors.MissingField(path + ".budget_limit", "the model's budget in USD");
        return new ModelBudget { Limit = Fields.Amount(limit, path + ".budget_limit"), Period = entry.Duration("time_period") };
    }

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t : throw Errors.InvalidField("expires", "expected an ISO 8601 time");
}
