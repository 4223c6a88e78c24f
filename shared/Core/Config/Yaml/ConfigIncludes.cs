using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Yaml;

/// <summary>
/// LiteLLM's top-level <c>include:</c>: other YAML files (paths relative to the including file) merged into the root.
/// Lists such as <c>model_list</c> are joined in order; mappings such as <c>litellm_settings</c> gain the keys the
/// including file does not set (it wins, and the report says so); any other key is taken only when absent. Included
/// files may include others; a cycle is a problem. Every included node remembers its file, so messages name it.
/// </summary>
internal sealed class ConfigIncludes(ConfigDiagnostics report)
{
    public const string Key = "include";
    private const int MaxDepth = 8;

    public void Expand(YamlMappingNode root, string baseDirectory, string source) =>
        Expand(root, baseDirectory, [Path.GetFullPath(source, baseDirectory)], 0);

    private void Expand(YamlMappingNode root, string baseDirectory, List<string> chain, int depth)
    {
        if (YamlFields.Child(root, Key) is not { } node) return;
        root.Children.Remove(new YamlScalarNode(Key));
        if (YamlValues.IsNull(node)) return;
        var paths = node switch
        {
            YamlScalarNode s => [s],
            YamlSequenceNode seq => seq.Children.ToList(),
            _ => [],
        };
        if (node is YamlMappingNode || paths.Any(p => p is not YamlScalarNode { Value.Length: > 0 }))
        {
            report.Problem(node, "include: must be a list of YAML file paths (relative to this file)");
            return;
        }
        foreach (YamlScalarNode entry in paths)
        {
            var path = Path.GetFullPath(entry.Value!, baseDirectory);
            if (chain.Contains(path, StringComparer.Ordinal) || depth >= MaxDepth)
            {
                report.Problem(entry, $"include: '{entry.Value}' includes itself (through {string.Join(" -> ", chain.Select(Path.GetFileName))})");
                continue;
            }
            if (!File.Exists(path))
            {
                report.Problem(entry, $"include: '{entry.Value}' not found (full path: {path})");
                continue;
            }
            var included = YamlRootReader.Read(File.ReadAllText(path), path, report);
            if (included is null) continue;
            report.RememberOrigin(included, Path.GetFileName(path));
            Expand(included, Path.GetDirectoryName(path)!, [.. chain, path], depth + 1);
            Merge(root, included, entry.Value!);
        }
    }

    private void Merge(YamlMappingNode root, YamlMappingNode included, string file)
    {
        foreach (var (key, value) in included.Children)
        {
            if (!root.Children.TryGetValue(key, out var existing) || YamlValues.IsNull(existing))
                root.Children[key] = value;
            else if (existing is YamlSequenceNode list && value is YamlSequenceNode more)
                foreach (var item in more.Children) list.Children.Add(item);
            else if (existing is YamlMappingNode map && value is YamlMappingNode extra)
                foreach (var (k, v) in extra.Children)
                {
                    if (map.Children.ContainsKey(k)) report.Warning(k, $"{key}.{k}: set in this file and in the including file; the including file's value is used");
                    else map.Children[k] = v;
                }
            else
                report.Warning(key, $"{key}: set in '{file}' and in the including file; the including file's value is used");
        }
    }
}
