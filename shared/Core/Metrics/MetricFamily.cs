using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Gateway.Metrics;

/// <summary>
/// One Prometheus metric (counter or histogram) and its series, keyed by the label values. A series is an array of
/// longs updated with <see cref="Interlocked"/>; values with a fraction (spend, seconds) are kept in micro-units.
/// Callers only pass label values drawn from bounded sets (configured groups, key hashes and aliases), never request data.
/// A counter is exposed as <c>{name}_total</c>, as LiteLLM's Python client does, so existing dashboards and alerts match.
/// </summary>
public sealed class MetricFamily(string baseName, string help, string type, string[] labels, double[]? buckets = null)
{
    private readonly string name = type == "counter" ? baseName + "_total" : baseName;

    private const double Micro = 1_000_000d;
    private readonly ConcurrentDictionary<string, long[]> _series = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string[]> _values = new(StringComparer.Ordinal);

    public string Name => name;

    /// <summary>Adds to a counter (in micro-units, so <paramref name="amount"/> may carry six decimals).</summary>
    public void Add(double amount, params string[] values) => Interlocked.Add(ref Series(values)[0], (long)Math.Round(amount * Micro));

    /// <summary>Sets a gauge (or a counter read from a source that only grows) to <paramref name="value"/>.</summary>
    public void Set(double value, params string[] values) => Interlocked.Exchange(ref Series(values)[0], (long)Math.Round(value * Micro));

    /// <summary>Observes one value into a histogram: slot 0 is the count, 1 the sum (micro), then one slot per bucket.</summary>
    public void Observe(double value, params string[] values)
    {
        var s = Series(values);
        Interlocked.Increment(ref s[0]);
        Interlocked.Add(ref s[1], (long)Math.Round(value * Micro));
        for (var i = 0; i < buckets!.Length; i++)
            if (value <= buckets[i]) Interlocked.Increment(ref s[2 + i]);
    }

    public int SeriesCount => _series.Count;

    private long[] Series(string[] values)
    {
        var key = string.Join('\u001f', values);
        if (_series.TryGetValue(key, out var s)) return s;
        _values.TryAdd(key, values);
        return _series.GetOrAdd(key, _ => new long[buckets is null ? 1 : 2 + buckets.Length]);
    }

    public void WriteTo(StringBuilder o)
    {
        o.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        o.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var (key, s) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var values = _values[key];
            if (buckets is null)
            {
                Line(o, name, values, null, Interlocked.Read(ref s[0]) / Micro);
                continue;
            }
            for (var i = 0; i < buckets.Length; i++)
                Line(o, name + "_bucket", values, buckets[i].ToString("R", CultureInfo.InvariantCulture), Interlocked.Read(ref s[2 + i]));
            var count = Interlocked.Read(ref s[0]);
            Line(o, name + "_bucket", values, "+Inf", count);
            Line(o, name + "_sum", values, null, Interlocked.Read(ref s[1]) / Micro);
            Line(o, name + "_count", values, null, count);
        }
    }

    private void Line(StringBuilder o, string metric, string[] values, string? le, double value)
    {
        o.Append(metric).Append('{');
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0) o.Append(',');
            o.Append(labels[i]).Append("=\"");
            Escape(o, values[i]);
            o.Append('"');
        }
        if (le is not null) o.Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append('"');
        o.Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Escape(StringBuilder o, string v)
    {
        foreach (var c in v)
        {
            if (c == '\\') o.Append("\\\\");
            else if (c == '"') o.Append("\\\"");
            else if (c == '\n') o.Append("\\n");
            else o.Append(c);
        }
    }
}
