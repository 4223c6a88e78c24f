using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Tests.Metrics;

/// <summary>
/// A strict reader of the Prometheus text format (0.0.4) for tests: every sample must follow a <c># TYPE</c> of its
/// family, labels must be well-formed and quoted, values must parse, and each histogram's buckets must rise to a
/// <c>+Inf</c> bucket equal to its <c>_count</c>. Anything else fails the test.
/// </summary>
internal sealed partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public List<Sample> Samples { get; } = [];
    public Dictionary<string, string> Types { get; } = [];

    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*",?)*)\} (\S+)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)\x22""")]
    private static partial Regex LabelPair();

    public static PrometheusText Parse(string text)
    {
        var p = new PrometheusText();
        Assert.EndsWith("\n", text);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal)) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal(4, parts.Length);
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram" });
                Assert.True(p.Types.TryAdd(parts[2], parts[3]), $"family {parts[2]} declared twice");
                continue;
            }
            var m = SampleLine().Match(line);
            Assert.True(m.Success, $"not a sample line: {line}");
            var name = m.Groups[1].Value;
            var family = p.Types.Keys.SingleOrDefault(f => name == f || (p.Types[f] == "histogram" && (name == f + "_bucket" || name == f + "_sum" || name == f + "_count")));
            Assert.True(family is not null, $"sample {name} has no # TYPE before it");
            var labels = LabelPair().Matches(m.Groups[2].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
            var value = m.Groups[3].Value == "+Inf" ? double.PositiveInfinity : double.Parse(m.Groups[3].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            p.Samples.Add(new Sample(name, labels, value));
        }
        p.CheckHistograms();
        return p;
    }

    public IEnumerable<Sample> Of(string name) => Samples.Where(s => s.Name == name);

    public double Sum(string name, Func<Sample, bool>? where = null) => Of(name).Where(where ?? (_ => true)).Sum(s => s.Value);

    private void CheckHistograms()
    {
        foreach (var family in Types.Where(t => t.Value == "histogram").Select(t => t.Key))
            foreach (var series in Of(family + "_count"))
            {
                var key = string.Join(',', series.Labels.OrderBy(l => l.Key).Select(l => l.Key + "=" + l.Value));
                var buckets = Of(family + "_bucket").Where(b => string.Join(',', b.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => l.Key + "=" + l.Value)) == key).ToList();
                Assert.NotEmpty(buckets);
                for (var i = 1; i < buckets.Count; i++) Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{family} buckets fall");
                Assert.Equal("+Inf", buckets[^1].Labels["le"]);
                Assert.Equal(series.Value, buckets[^1].Value);
            }
    }
}
