using Gateway.Infra.Azure.Tests.Infrastructure;

namespace Gateway.Infra.Azure.Tests;

/// <summary>The pinned CLI, the linter configuration, and the example parameters file.</summary>
public sealed class BicepConfigTests
{
    [Fact]
    public async Task TheCliIsThePinnedVersion()
    {
        var result = await BicepCli.RunAsync(Repo.Root, "--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Bicep CLI version {Repo.Metadata("BicepVersion")} ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTwoTenantExampleParametersBuild()
    {
        var output = Path.Combine(Deployments.Scratch, Guid.NewGuid().ToString("N") + ".parameters.json");
        var result = await BicepCli.RunAsync(Repo.Bicep, "build-params", "examples/two-tenants.bicepparam", "--outfile", output);
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.True(result.StandardError.Trim().Length == 0, "bicep build-params reported diagnostics:\n" + result.StandardError);
        var parameters = JsonNode.Parse(await File.ReadAllTextAsync(output))!["parameters"]!;
        var tenants = parameters["tenants"]!["value"]!.AsArray();
        Assert.Equal(["contoso", "fabrikam"], tenants.Select(t => t!["name"]!.GetValue<string>()));
    }

    /// <summary>The config raises every core rule to error, so a lint finding fails the build instead of scrolling by.</summary>
    [Fact]
    public void TheConfigRaisesEveryCoreRuleToError()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Bicep, "bicepconfig.json")))!;
        var core = config["analyzers"]!["core"]!;
        Assert.True(core["enabled"]!.GetValue<bool>());
        var rules = core["rules"]!.AsObject();
        Assert.All(rules, rule => Assert.Equal("error", rule.Value!["level"]!.GetValue<string>()));
        // The rules that matter most here, by name, so none can silently drop out of the file.
        Assert.Superset(
            new HashSet<string>(["no-unused-params", "no-unused-vars", "no-hardcoded-env-urls", "no-hardcoded-location",
                "outputs-should-not-contain-secrets", "secure-parameter-default", "secure-secrets-in-params",
                "use-secure-value-for-secure-inputs", "use-stable-resource-identifiers", "use-resource-symbol-reference",
                "use-recent-api-versions", "use-user-defined-types", "use-safe-access", "what-if-short-circuiting",
                "no-unnecessary-dependson", "explicit-values-for-loc-params", "no-deployments-resources"]),
            rules.Select(r => r.Key).ToHashSet());
    }

    /// <summary>The gate bites: a file breaking a rule fails lint under the same config.</summary>
    [Fact]
    public async Task TheConfigFailsLintOnAFinding()
    {
        var directory = Deployments.CopyOfBicepTree();
        await File.WriteAllTextAsync(Path.Combine(directory, "probe.bicep"), """
            @description('Never used.')
            param unused string

            output greeting string = 'hello'
            """);
        var result = await BicepCli.RunAsync(directory, "lint", "probe.bicep");
        Deployments.TryDelete(directory);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Error no-unused-params", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }
}
