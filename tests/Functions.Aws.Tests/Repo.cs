namespace Gateway.Functions.Aws.Tests;

/// <summary>Paths in the checkout, found from the test's own location (or GATEWAY_REPO_ROOT, which test.sh sets).</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    /// <summary>The Lambda entry point script in the source tree.</summary>
    public static string BootstrapScript => Path.Combine(Root, "functions", "aws", "bootstrap");

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("GATEWAY_REPO_ROOT") is { Length: > 0 } root) return root;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln"))) return dir.FullName;
        throw new InvalidOperationException("Serverless.sln not found above " + AppContext.BaseDirectory);
    }
}
