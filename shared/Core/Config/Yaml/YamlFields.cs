using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Yaml;

/// <summary>
/// Reads typed settings out of YAML mappings. Each read names its field in any problem and returns null when the value
/// is unusable, so a section goes on and reports the rest of the file.
/// </summary>
internal sealed class YamlFields(ConfigDiagnostics report, ConfigEnvironment env)
{
    public static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    /// <summary>A mapping key as text; YAML allows lists and mappings as keys, which no gateway setting uses.</summary>
    public string? KeyName(YamlNode key, string path)
    {
        if (key is YamlScalarNode s) return s.Value ?? "";
        report.Problem(key, $"{path}: keys must be plain names, not lists or mappings");
        return null;
    }

    /// <summary>A scalar string, with <c>os.environ/NAME</c> resolved.</summary>
    public string? OptionalString(YamlMappingNode map, string key, string field)
    {
        var node = Child(map, key);
        if (node is null || YamlValues.IsNull(node)) return null;
        if (node is not YamlScalarNode s)
        {
            report.Problem(node, $"{field}: must be a single value, not a list or mapping");
            return null;
        }
        var value = env.Resolve(s.Value ?? "", out var cause);
        if (cause is not null) report.Problem(node, $"{field}: {cause}");
        return value;
    }

    public double? OptionalNumber(YamlMappingNode map, string key, string field, double min, double max = double.MaxValue, bool integer = false)
    {
        var text = OptionalString(map, key, field);
        if (text is null) return null;
        var node = Child(map, key)!;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || double.IsNaN(n) || double.IsInfinity(n))
            report.Problem(node, $"{field}: '{text}' is not a number");
        else if (integer && n != Math.Floor(n))
            report.Problem(node, $"{field}: '{text}' must be a whole number");
        else if (n < min)
            report.Problem(node, $"{field}: {text} is too small (minimum {min.ToString(CultureInfo.InvariantCulture)})");
        else if (n > max)
            report.Problem(node, $"{field}: {text} is too large (maximum {max.ToString(CultureInfo.InvariantCulture)})");
        else
            return n;
        return null;
    }

    /// <summary>true or false (YAML's spellings, or a string that says so).</summary>
    public bool? OptionalBool(YamlMappingNode map, string key, string field)
    {
        var text = OptionalString(map, key, field);
        if (text is null) return null;
        if (bool.TryParse(text, out var b)) return b;
        report.Problem(Child(map, key)!, $"{field}: '{text}' must be true or false");
        return null;
    }

    /// <summary>
    /// Any value as JSON, with <c>os.environ/NAME</c> resolved in every scalar (a resolved value is typed as a plain
    /// scalar, so <c>os.environ/TEMPERATURE</c> can be a number); null for a YAML null or an unusable reference.
    /// </summary>
    public JsonNode? Json(YamlNode node, string field)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    // Free-form values (model_info) may have odd keys; they are kept as text, as before.
                    var key = k is YamlScalarNode ks ? ks.Value ?? "" : k.ToString();
                    obj[key] = Json(v, $"{field}.{key}");
                }
                return obj;
            case YamlSequenceNode seq:
                return new JsonArray(seq.Children.Select((c, i) => Json(c, $"{field}[{i}]")).ToArray());
            case YamlScalarNode s when !YamlValues.IsNull(s) && (s.Value ?? "").StartsWith(ConfigEnvironment.ReferencePrefix, StringComparison.Ordinal):
                var value = env.Resolve(s.Value!, out var cause);
                if (cause is not null) report.Problem(node, $"{field}: {cause}");
                return value is null ? null : YamlValues.PlainScalar(value);
            default:
                return YamlValues.ToJson(node);
        }
    }

    /// <summary>Warns, key by key, about keys of <paramref name="map"/> the gateway does not read.</summary>
    public void WarnUnknown(YamlMappingNode map, IReadOnlySet<string> known, string path)
    {
        foreach (var k in map.Children.Keys)
            if (k is YamlScalarNode s && !known.Contains(s.Value ?? ""))
                report.Warning(k, $"{path}{s.Value}: not supported; ignored");
    }
}
