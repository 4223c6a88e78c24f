using Gateway.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary>
/// <c>litellm_settings</c>: <c>model_group_settings.forward_client_headers_to_llm_api</c>, the model
/// groups whose calls may carry the client's <c>anthropic-beta</c> header upstream (it switches on paid features, so it
/// is off by default), and <c>max_end_user_budget</c>. Every other key is warned about.
/// </summary>
internal sealed class LitellmSettingsSection(YamlFields fields, ConfigDiagnostics report)
{
    /// <summary><c>max_end_user_budget</c>: the budget (USD) of every end user without one of their own.</summary>
    public decimal? MaxEndUserBudget { get; private set; }

    private const string ForwardHeaders = "forward_client_headers_to_llm_api";
    private const string ForwardHeadersPath = "litellm_settings.model_group_settings." + ForwardHeaders;

    public List<DeploymentConfig> Read(YamlMappingNode root, List<DeploymentConfig> deployments)
    {
        if (YamlFields.Child(root, "litellm_settings") is not YamlMappingNode litellm) return deployments;
        report.IgnoredKeys("litellm_settings", KeysExcept(litellm, "model_group_settings", "max_end_user_budget"));
        MaxEndUserBudget = (decimal?)fields.OptionalNumber(litellm, "max_end_user_budget", "litellm_settings.max_end_user_budget", 0);
        if (YamlFields.Child(litellm, "model_group_settings") is not YamlMappingNode groups) return deployments;
        report.IgnoredKeys("litellm_settings.model_group_settings", KeysExcept(groups, ForwardHeaders));
        if (YamlFields.Child(groups, ForwardHeaders) is not { } node || YamlValues.IsNull(node)) return deployments;
        if (node is not YamlSequenceNode list)
        {
            report.Problem(node, $"{ForwardHeadersPath}: must be a list of model group names");
            return deployments;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Children)
        {
            var name = item is YamlScalarNode sc ? sc.Value : null;
            if (string.IsNullOrEmpty(name)) report.Problem(item, $"{ForwardHeadersPath}: each entry must be a model group name");
            else if (deployments.All(d => d.ModelName != name)) report.Problem(item, $"{ForwardHeadersPath}: '{name}' is not a model_name in model_list");
            else names.Add(name);
        }
        return deployments.Select(d => names.Contains(d.ModelName) ? d.WithForwardedClientHeaders() : d).ToList();
    }

    private static List<string> KeysExcept(YamlMappingNode map, params string[] read) =>
        map.Children.Keys.Select(k => k.ToString()).Where(k => !read.Contains(k)).ToList();
}
