using YamlDotNet.RepresentationModel;

namespace Gateway.Config;

/// <summary>
/// The one sink every section reports into: problems stop start-up, warnings do not. A message about a node starts
/// with its line, so the whole file's problems can be listed at once, each where it is.
/// </summary>
internal sealed class ConfigDiagnostics
{
    public List<string> Problems { get; } = [];
    public List<string> Warnings { get; } = [];

    /// <summary>What the gateway decided on the file's behalf (an inferred provider, where state lives): said once at start.</summary>
    public List<string> Notes { get; } = [];

    public void Problem(string message) => Problems.Add(message);

    public void Problem(YamlNode at, string message) => Problems.Add(At(at) + message);

    public void Warning(YamlNode at, string message) => Warnings.Add(At(at) + message);

    public void Warning(string message) => Warnings.Add(message);

    public void Note(YamlNode at, string message) => Notes.Add(At(at) + message);

    /// <summary>One warning naming every key of a section the gateway does not read yet; none when there are none.</summary>
    public void IgnoredKeys(string section, IReadOnlyCollection<string> keys)
    {
        if (keys.Count > 0) Warnings.Add($"{section}: not supported yet; keys ignored: {string.Join(", ", keys)}");
    }

    /// <summary>The file each node of an included file came from (by reference: YAML nodes compare by value).</summary>
    private readonly Dictionary<YamlNode, string> _origins = new(ReferenceEqualityComparer.Instance);

    /// <summary>Messages about <paramref name="root"/> and everything under it name <paramref name="file"/> before the line.</summary>
    public void RememberOrigin(YamlNode root, string file)
    {
        foreach (var node in root.AllNodes) _origins[node] = file;
    }

    private string At(YamlNode node)
    {
        var line = node.Start.Line > 0 ? $"line {node.Start.Line}: " : "";
        return _origins.TryGetValue(node, out var file) ? $"{file} {line}" : line;
    }
}
