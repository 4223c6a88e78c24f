using System.Globalization;
using Gateway.Http;

namespace Gateway.Limits;

/// <summary>
/// A reset period (<c>30s</c>, <c>1h</c>, <c>1d</c>, <c>7d</c>, <c>1mo</c>) and its windows, aligned in UTC: second-based periods
/// to multiples of their length since the Unix epoch (so <c>1d</c> starts at midnight UTC), <c>mo</c> to calendar months.
/// </summary>
public readonly record struct Period(long Seconds, int Months)
{
    public static readonly Period Minute = new(60, 0);

    public static bool TryParse(string? text, out Period period)
    {
        period = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        var digits = 0;
        while (digits < s.Length && char.IsAsciiDigit(s[digits])) digits++;
        if (digits == 0 || !long.TryParse(s.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 100_000) return false;
        var unit = s[digits..];
        period = unit switch
        {
            "s" => new Period(n, 0),
            "m" => new Period(n * 60, 0),
            "h" => new Period(n * 3600, 0),
            "d" => new Period(n * 86400, 0),
            "w" => new Period(n * 7 * 86400, 0),
            "mo" => new Period(0, (int)n),
            _ => default,
        };
        return period != default;
    }

    /// <summary>Parses or throws a 400 naming the field.</summary>
    public static Period ParseField(string text, string param) => TryParse(text, out var p)
        ? p : throw Errors.InvalidField(param, $"'{text}' is not a duration; use a number and s, m, h, d, w or mo (e.g. 30s, 1h, 30d, 1mo)");

    /// <summary>The start (Unix seconds) of the window holding <paramref name="now"/>.</summary>
    public long WindowStart(DateTimeOffset now)
    {
        var t = now.ToUnixTimeSeconds();
        if (Months == 0) return t - Mod(t, Seconds);
        var u = now.UtcDateTime;
        var monthIndex = (u.Year - 1970) * 12 + (u.Month - 1);
        var start = monthIndex - Mod(monthIndex, Months);
        return new DateTimeOffset(1970 + (int)(start / 12), (int)(start % 12) + 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    }

    /// <summary>The end (Unix seconds) of the window holding <paramref name="now"/>: the next reset.</summary>
    public long WindowEnd(DateTimeOffset now)
    {
        var start = WindowStart(now);
        if (Months == 0) return start + Seconds;
        return DateTimeOffset.FromUnixTimeSeconds(start).AddMonths(Months).ToUnixTimeSeconds();
    }

    private static long Mod(long a, long b) => ((a % b) + b) % b;
}

/// <summary>The budget window of a subject: none (a lifetime budget, start 0) or the period's.</summary>
public static class BudgetWindow
{
    public static long Start(string? duration, DateTimeOffset now) => Period.TryParse(duration, out var p) ? p.WindowStart(now) : 0;
    public static DateTimeOffset? ResetAt(string? duration, DateTimeOffset now) =>
        Period.TryParse(duration, out var p) ? DateTimeOffset.FromUnixTimeSeconds(p.WindowEnd(now)) : null;
}
