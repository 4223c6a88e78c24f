using Gateway.Spend.Ingest;

namespace Gateway.Alerts.Rules;

/// <summary>
/// Daily spend per subject, read from the ingest's daily rollups: one range read per dimension for every value at once
/// (a read per day partition on Table Storage and DynamoDB), however many subjects a batch touched.
/// </summary>
public sealed class SpendHistory
{
    /// <summary>Days read back from today: the anomaly baseline (14) and the budget and forecast window within reach.</summary>
    public const int LookbackDays = 31;

    private readonly Dictionary<(string Dimension, string Value), Dictionary<DateOnly, decimal>> _days = [];

    public DateOnly Today { get; }
    public DateOnly From { get; }

    private SpendHistory(DateOnly today)
    {
        Today = today;
        From = today.AddDays(-LookbackDays);
    }

    public static async Task<SpendHistory> LoadAsync(ISpendStore store, IEnumerable<string> dimensions, DateOnly today, CancellationToken ct)
    {
        var history = new SpendHistory(today);
        foreach (var dimension in dimensions.Distinct(StringComparer.Ordinal))
            foreach (var row in await store.QueryRollupsAsync(new RollupQuery(dimension, history.From, today), ct))
            {
                var key = (dimension, row.Value);
                if (!history._days.TryGetValue(key, out var days)) history._days[key] = days = [];
                days[row.Day] = days.GetValueOrDefault(row.Day) + row.Spend;
            }
        return history;
    }

    public decimal On(string dimension, string value, DateOnly day) =>
        _days.TryGetValue((dimension, value), out var days) ? days.GetValueOrDefault(day) : 0;

    /// <summary>Every value of <paramref name="dimension"/> that spent on <paramref name="day"/>.</summary>
    public IEnumerable<string> ValuesOn(string dimension, DateOnly day) =>
        _days.Where(kv => kv.Key.Dimension == dimension && kv.Value.GetValueOrDefault(day) > 0).Select(kv => kv.Key.Value);

    /// <summary>The spend of every value of <paramref name="dimension"/> together, per day (the proxy's spend, from the key dimension).</summary>
    public decimal AllOn(string dimension, DateOnly day) =>
        _days.Where(kv => kv.Key.Dimension == dimension).Sum(kv => kv.Value.GetValueOrDefault(day));

    /// <summary>Spend per day from <paramref name="start"/> to <paramref name="end"/> (both inclusive, clipped to what was read), oldest first.</summary>
    public List<decimal> Range(string dimension, string? value, DateOnly start, DateOnly end)
    {
        var list = new List<decimal>();
        for (var d = start < From ? From : start; d <= end; d = d.AddDays(1))
            list.Add(value is null ? AllOn(dimension, d) : On(dimension, value, d));
        return list;
    }
}
