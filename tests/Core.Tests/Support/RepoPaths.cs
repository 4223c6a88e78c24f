namespace Gateway.Tests.Support;

/// <summary>Where the repository is, for tests that run its scripts or node clients.</summary>
public static class RepoPaths
{
    /// <summary>GATEWAY_REPO_ROOT (set by test.sh), else the directory holding Serverless.sln above the test binary.</summary>
    public static string Root()
    {
        var root = Environment.GetEnvironmentVariable("GATEWAY_REPO_ROOT");
        if (!string.IsNullOrEmpty(root)) return root;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln"))) return dir.FullName;
        Assert.Fail("Serverless.sln not found above " + AppContext.BaseDirectory + " and GATEWAY_REPO_ROOT is not set.");
        return "";
    }
}
