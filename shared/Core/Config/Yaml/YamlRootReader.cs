using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Yaml;

/// <summary>Parses the text into its top-level mapping. Bad YAML stops at once: nothing after it can be located.</summary>
internal static class YamlRootReader
{
    /// <summary>The root mapping, or null (with a problem) for an empty file or a non-mapping top level.</summary>
    /// <exception cref="ConfigException">The text is not YAML.</exception>
    public static YamlMappingNode? Read(string yaml, string source, ConfigDiagnostics report)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            report.Problem($"line {e.Start.Line}, column {e.Start.Column}: not valid YAML: {e.InnerException?.Message ?? e.Message}");
            throw new ConfigException(source, report.Problems);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way (no position) on some unterminated flow collections.
            report.Problem("not valid YAML: the parser stopped on an unterminated '{...}' or '[...]' collection or quote; check brackets and quotes");
            throw new ConfigException(source, report.Problems);
        }
        if (stream.Documents.Count == 0 || YamlValues.IsNull(stream.Documents[0].RootNode))
        {
            report.Problem("the file is empty; it needs at least a model_list");
            return null;
        }
        if (stream.Documents[0].RootNode is YamlMappingNode root)
            return root;
        report.Problem("the top level must be a mapping with model_list, general_settings, ...");
        return null;
    }
}
