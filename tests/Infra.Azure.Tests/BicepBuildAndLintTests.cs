using Gateway.Infra.Azure.Tests.Infrastructure;

namespace Gateway.Infra.Azure.Tests;

/// <summary>Every .bicep file compiles and lints with no diagnostic at all, under the repo's bicepconfig.json.</summary>
public sealed class BicepBuildAndLintTests
{
    public static TheoryData<string> BicepFiles() => new(Repo.BicepFiles().Select(Repo.Relative));

    [Fact]
    public void TheBicepTreeHasTheExpectedFiles()
    {
        var files = Repo.BicepFiles().Select(f => Path.GetRelativePath(Repo.Bicep, f).Replace('\\', '/')).ToArray();
        Assert.Equal(
            ["main.bicep", "modules/eventhubs.bicep", "modules/keyvault.bicep", "modules/monitoring.bicep",
             "modules/openai-role.bicep", "modules/storage.bicep", "modules/tenant.bicep", "types.bicep"],
            files);
    }

    // One bicep process builds every file and one lints every file (each start costs seconds); the theories below
    // then hold each file to it.
    private static readonly string BuildOutput = Path.Combine(Deployments.Scratch, Guid.NewGuid().ToString("N"));
    private static readonly Lazy<(Task<ProcessResult> Build, Task<ProcessResult> Lint)> Runs = new(() => (
        BicepCli.RunAsync(Repo.Bicep, "build", "--pattern", "**/*.bicep", "--outdir", BuildOutput),
        BicepCli.RunAsync(Repo.Bicep, "lint", "--pattern", "**/*.bicep")));
    private static Task<ProcessResult> BuildAll => Runs.Value.Build;
    private static Task<ProcessResult> LintAll => Runs.Value.Lint;

    private static string[] DiagnosticsFor(ProcessResult result, string file) =>
        (result.StandardOutput + "\n" + result.StandardError).Split('\n')
            .Where(line => line.StartsWith(Path.Combine(Repo.Root, file), StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task BuildingEveryFileReportsNothing()
    {
        var result = await BuildAll;
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.True((result.StandardOutput + result.StandardError).Trim().Length == 0, "bicep build reported:\n" + result.Describe());
    }

    [Fact]
    public async Task LintingEveryFileReportsNothing()
    {
        var result = await LintAll;
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.True((result.StandardOutput + result.StandardError).Trim().Length == 0, "bicep lint reported:\n" + result.Describe());
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task BuildsWithoutDiagnostics(string file)
    {
        var result = await BuildAll;
        Assert.Empty(DiagnosticsFor(result, file));
        var compiled = Path.Combine(BuildOutput, Path.ChangeExtension(Path.GetRelativePath(Repo.Bicep, Path.Combine(Repo.Root, file)), ".json"));
        Assert.True(File.Exists(compiled), $"bicep build wrote no {compiled}:\n{result.Describe()}");
        Assert.NotNull(JsonNode.Parse(await File.ReadAllTextAsync(compiled))!["$schema"]);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task LintsWithoutDiagnostics(string file)
    {
        var result = await LintAll;
        Assert.Empty(DiagnosticsFor(result, file));
        Assert.Equal(0, result.ExitCode);
    }
}
