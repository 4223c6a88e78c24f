using System.Reflection;

namespace Gateway.Infra.Azure.Tests.Infrastructure;

/// <summary>Paths in the checkout and the build-time facts the test assembly carries (see the csproj).</summary>
public static class Repo
{
    public static string Root { get; } = Metadata("RepoRoot");
    public static string Bicep { get; } = Path.Combine(Root, "infra", "bicep");
    public static string FunctionsApp { get; } = Path.Combine(Root, "functions", "azure");

    /// <summary>Every .bicep file under infra/bicep.</summary>
    public static IEnumerable<string> BicepFiles() =>
        Directory.EnumerateFiles(Bicep, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    public static string Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata; see Infra.Azure.Tests.csproj.");
}
