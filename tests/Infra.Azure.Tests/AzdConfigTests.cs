using Gateway.Infra.Azure.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Gateway.Infra.Azure.Tests;

/// <summary>azure.yaml and main.parameters.json: what `azd up` runs.</summary>
public sealed class AzdConfigTests
{
    private static YamlMappingNode AzureYaml()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Repo.Root, "azure.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]);

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    [Fact]
    public void TheGatewayServiceIsTheFunctionsProjectOnAFunctionApp()
    {
        var yaml = AzureYaml();
        Assert.Equal("infra/bicep", Text(yaml, "infra", "path"));
        Assert.Equal("main", Text(yaml, "infra", "module"));
        Assert.True(File.Exists(Path.Combine(Repo.Root, Text(yaml, "infra", "path"), Text(yaml, "infra", "module") + ".bicep")));
        var services = (YamlMappingNode)At(yaml, "services");
        var gateway = Assert.Single(services.Children).Value;
        Assert.Equal("gateway", ((YamlScalarNode)Assert.Single(services.Children).Key).Value);
        Assert.Equal("functions/azure", Text(gateway, "project"));
        Assert.Equal("function", Text(gateway, "host"));
        Assert.Equal("custom", Text(gateway, "language"));
        Assert.Equal("false", Text(gateway, "remoteBuild"));
        Assert.True(File.Exists(Path.Combine(Repo.Root, Text(gateway, "project"), "Gateway.Azure.csproj")));
    }

    [Fact]
    public void PackagingPublishesTheAotBinaryWithTheHostFilesIntoDist()
    {
        var gateway = At(AzureYaml(), "services", "gateway");
        var dist = Text(gateway, "dist");
        var script = Text(gateway, "hooks", "prepackage", "posix", "run");
        var lines = script.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("set -eu", lines[0]);
        Assert.Contains($"rm -rf {dist}", lines);
        var publish = Assert.Single(lines, l => l.StartsWith("dotnet publish", StringComparison.Ordinal));
        Assert.Contains("-c Release", publish, StringComparison.Ordinal);
        Assert.Contains("-r linux-x64", publish, StringComparison.Ordinal);
        Assert.Contains("-p:PublishAot=true", publish, StringComparison.Ordinal);
        Assert.EndsWith($"-o {dist}", publish, StringComparison.Ordinal);
        Assert.Contains($"find {dist} \\( -name '*.dbg' -o -name '*.pdb' \\) -delete", lines);
        Assert.Contains($"test -x {dist}/gateway", lines);
        foreach (var file in new[] { "host.json", "http/function.json", "spend-ingest/function.json", "alerts/function.json", "sweeper/function.json" })
            Assert.Contains(file, script, StringComparison.Ordinal);
        // The dist folder is build output the repo ignores.
        Assert.StartsWith("bin/", dist, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostdeployReachesEveryOtherTenantApp()
    {
        var script = Text(At(AzureYaml(), "services", "gateway"), "hooks", "postdeploy", "posix", "run");
        // The hook reads outputs main.bicep really has.
        var outputs = (await Deployments.CompiledMainAsync())["outputs"]!.AsObject();
        foreach (var name in new[] { "GATEWAY_FUNCTION_APP_NAMES", "AZURE_FUNCTION_APP_NAME", "AZURE_RESOURCE_GROUP" })
        {
            Assert.Contains(name, script, StringComparison.Ordinal);
            Assert.True(outputs.ContainsKey(name), $"main.bicep has no output {name}");
        }
        Assert.Contains("az functionapp deployment source config-zip", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MainParametersCoverEveryRequiredParameter()
    {
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repo.Bicep, "main.parameters.json")))!["parameters"]!.AsObject();
        Assert.Equal("${AZURE_ENV_NAME}", file["environmentName"]!["value"]!.GetValue<string>());
        Assert.Equal("${AZURE_LOCATION}", file["location"]!["value"]!.GetValue<string>());
        Assert.NotEmpty(file["tenants"]!["value"]!.AsArray());

        var declared = (await Deployments.CompiledMainAsync())["parameters"]!.AsObject();
        Assert.All(file, p => Assert.True(declared.ContainsKey(p.Key), $"main.bicep has no parameter {p.Key}"));
        foreach (var (name, parameter) in declared)
        {
            if (parameter!["defaultValue"] is not null || file.ContainsKey(name)) continue;
            // Left to azd: it generates the value once and keeps it in the environment's config.
            Assert.Equal("generate", parameter["metadata"]?["azd"]?["type"]?.GetValue<string>());
        }
    }
}
