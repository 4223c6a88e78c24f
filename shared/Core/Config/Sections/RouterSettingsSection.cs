using Gateway.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary><c>router_settings</c>: not read yet; its keys are warned about so none is dropped silently.</summary>
internal sealed class RouterSettingsSection(ConfigDiagnostics report)
{
    public void Read(YamlMappingNode root)
    {
        if (YamlFields.Child(root, "router_settings") is YamlMappingNode router)
            report.IgnoredKeys("router_settings", router.Children.Keys.Select(k => k.ToString()).ToList());
    }
}
