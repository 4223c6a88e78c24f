using Gateway.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary><c>environment_variables</c>: NAME: value pairs, read first because <c>os.environ/NAME</c> elsewhere may name them.</summary>
internal sealed class EnvironmentVariablesSection(YamlFields fields, ConfigDiagnostics report, ConfigEnvironment env)
{
    public void Read(YamlMappingNode root)
    {
        if (YamlFields.Child(root, "environment_variables") is not { } node || YamlValues.IsNull(node)) return;
        if (node is not YamlMappingNode vars)
        {
            report.Problem(node, "environment_variables: must be a mapping of NAME: value");
            return;
        }
        foreach (var (k, v) in vars.Children)
        {
            if (fields.KeyName(k, "environment_variables") is not { } name) continue;
            if (v is YamlScalarNode s) env.Declared[name] = s.Value ?? "";
            else report.Problem(v, $"environment_variables.{name}: must be a single value");
        }
    }
}
