using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Yaml;

/// <summary>Turns YAML nodes into plain values and JSON, the way YAML 1.2's core schema reads them.</summary>
internal static class YamlValues
{
    public static bool IsPlain(YamlScalarNode s) => s.Style is ScalarStyle.Plain or ScalarStyle.Any;

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode s && IsPlain(s) && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => ToJsonObject(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode s when IsNull(s) => null,
        YamlScalarNode s when IsPlain(s) => PlainScalar(s.Value!),
        YamlScalarNode s => JsonValue.Create(s.Value ?? ""),
        _ => null,
    };

    public static JsonObject ToJsonObject(YamlMappingNode map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.Children)
            obj[key is YamlScalarNode s ? s.Value ?? "" : key.ToString()] = ToJson(value);
        return obj;
    }

    /// <summary>A plain scalar as YAML reads it: true/false, a whole number, a number, else text.</summary>
    public static JsonNode PlainScalar(string v)
    {
        if (v is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (v is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(v);
    }
}
