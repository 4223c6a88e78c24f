using System.Text.Json.Nodes;
using Gateway.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Gateway.Config.Sections;

/// <summary><c>model_list</c>: one deployment per entry, each with <c>model_name</c>, <c>litellm_params</c> and an optional <c>model_info</c>.</summary>
internal sealed class ModelListSection(YamlFields fields, ConfigDiagnostics report, LitellmParamsSection litellmParams)
{
    private static readonly HashSet<string> EntryKeys = ["model_name", "litellm_params", "model_info"];

    public List<DeploymentConfig> Read(YamlMappingNode root)
    {
        var result = new List<DeploymentConfig>();
        if (YamlFields.Child(root, "model_list") is not { } node)
        {
            report.Problem("model_list: missing; list at least one model (see the commented examples in gateway.yaml)");
            return result;
        }
        if (node is not YamlSequenceNode seq)
        {
            report.Problem(node, "model_list: must be a list of entries with model_name and litellm_params");
            return result;
        }
        if (seq.Children.Count == 0)
            report.Problem(node, "model_list: is empty; list at least one model");
        for (var i = 0; i < seq.Children.Count; i++)
            if (ReadEntry(seq.Children[i], i) is { } d)
                result.Add(d);
        CheckGroupsAgree(result);
        return result;
    }

    /// <summary>
    /// Default and dropped params shape the request before admission and routing, once per model name: the reservation
    /// must hold for whichever deployment serves. So the deployments of one name must agree on them.
    /// </summary>
    private void CheckGroupsAgree(List<DeploymentConfig> deployments)
    {
        foreach (var group in deployments.GroupBy(d => d.ModelName, StringComparer.Ordinal))
        {
            var first = group.First();
            foreach (var d in group.Skip(1))
            {
                if (!System.Text.Json.Nodes.JsonNode.DeepEquals(first.DefaultParams, d.DefaultParams))
                    report.Problem($"{d.Describe()}.litellm_params: its default request params ({Names(d.DefaultParams)}) differ from {first.Describe()}'s ({Names(first.DefaultParams)}); " +
                                   "the gateway applies them per model_name before routing, so give every deployment of the name the same ones");
                if (!first.DropParams.SequenceEqual(d.DropParams))
                    report.Problem($"{d.Describe()}.litellm_params.additional_drop_params: differs from {first.Describe()}'s; every deployment of one model_name must drop the same fields");
            }
        }
    }

    private static string Names(JsonObject o) => o.Count == 0 ? "none" : string.Join(", ", o.Select(p => $"{p.Key}: {p.Value?.ToJsonString()}"));

    private DeploymentConfig? ReadEntry(YamlNode node, int index)
    {
        var entry = $"model_list[{index}]";
        if (node is not YamlMappingNode map)
        {
            report.Problem(node, $"{entry}: must be a mapping with model_name and litellm_params");
            return null;
        }
        var modelName = fields.OptionalString(map, "model_name", $"{entry}.model_name");
        if (modelName is not null) entry = $"{entry} ('{modelName}')";
        else if (YamlFields.Child(map, "model_name") is null) report.Problem(map, $"{entry}.model_name: missing; it is the name clients send as 'model'");
        fields.WarnUnknown(map, EntryKeys, entry + ".");

        if (YamlFields.Child(map, "litellm_params") is not YamlMappingNode p)
        {
            report.Problem(map, $"{entry}.litellm_params: missing or not a mapping; it needs at least 'model: <provider>/<model>'");
            return null;
        }
        return litellmParams.Read(p, $"{entry}.litellm_params", index, modelName, () => ReadModelInfo(map, entry));
    }

    private JsonObject ReadModelInfo(YamlMappingNode map, string entry)
    {
        if (YamlFields.Child(map, "model_info") is not { } node) return new JsonObject();
        if (node is YamlMappingNode info) return (JsonObject)fields.Json(info, $"{entry}.model_info")!;
        if (!YamlValues.IsNull(node)) report.Problem(node, $"{entry}.model_info: must be a mapping");
        return new JsonObject();
    }
}
