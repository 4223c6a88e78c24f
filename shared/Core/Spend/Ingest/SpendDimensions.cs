namespace Gateway.Spend.Ingest;

/// <summary>The rollup dimensions every store keeps, and which value of each an event counts towards.</summary>
public static class SpendDimensions
{
    public const string Key = "key";
    public const string Team = "team";
    public const string User = "user";
    public const string Model = "model";
    public const string Tag = "tag";

    public static readonly string[] All = [Key, Team, User, Model, Tag];

    /// <summary>The key dimension's value for calls made with the master key (or with auth off): they have no key hash.</summary>
    public const string NoKey = "(master)";

    public static string KeyOf(SpendEvent e) => e.KeyHash ?? NoKey;

    /// <summary>Each (dimension, value) the event adds to: its key, team, user, model group and every tag.</summary>
    public static IEnumerable<(string Dimension, string Value)> Of(SpendEvent e)
    {
        yield return (Key, KeyOf(e));
        if (e.TeamId is { Length: > 0 } t) yield return (Team, t);
        if (e.UserId is { Length: > 0 } u) yield return (User, u);
        yield return (Model, e.ModelGroup ?? e.Model);
        foreach (var tag in e.Tags.Distinct(StringComparer.Ordinal)) yield return (Tag, tag);
    }

    /// <summary>The event's cost in nano-dollars, rounded up as every money counter is.</summary>
    public static long Nanos(SpendEvent e) => Money.ToNanos(e.Spend);

    /// <summary>Days from <paramref name="end"/> back to <paramref name="start"/> (newest first), for day-partitioned reads.</summary>
    public static IEnumerable<DateOnly> DaysNewestFirst(DateOnly start, DateOnly end)
    {
        for (var d = end; d >= start; d = d.AddDays(-1)) yield return d;
    }

    public static string DayText(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
