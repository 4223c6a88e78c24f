namespace Gateway.Alerts.Rules;

/// <summary>
/// How far a value sits above a baseline, in robust standard deviations: (x − median) / (1.4826 × MAD), where MAD is the
/// median absolute deviation. One spike in the baseline barely moves either, unlike a mean and standard deviation.
/// The MAD is floored at 5% of the median, so a perfectly flat baseline does not turn cents of noise into infinity.
/// </summary>
public static class RobustZScore
{
    public const double NormalConsistency = 1.4826;
    public const double MinimumRelativeSpread = 0.05;

    public static (double Median, double Mad, double Z) Of(double value, IReadOnlyList<double> baseline)
    {
        var median = Median(baseline);
        var mad = Math.Max(Median(baseline.Select(b => Math.Abs(b - median)).ToList()), MinimumRelativeSpread * median);
        var z = mad > 0 ? (value - median) / (NormalConsistency * mad) : 0;
        return (median, mad, z);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
