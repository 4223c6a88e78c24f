using System.Diagnostics;
using System.Text.Json;

namespace Gateway.Tests.Support;

/// <summary>
/// The npm packages test.sh installs into <c>.tools/</c> (SDK clients, emulators), and running a node script that drives
/// one against the gateway. <c>GATEWAY_NODE_TOOLS</c> points at another <c>node_modules</c> folder when set.
/// </summary>
public static class NodeTools
{
    public static string RepoRoot() => RepoPaths.Root();

    public static string Modules() =>
        Environment.GetEnvironmentVariable("GATEWAY_NODE_TOOLS") is { Length: > 0 } dir ? dir : Path.Combine(RepoRoot(), ".tools", "node_modules");

    /// <summary>The folder of an installed package; fails (never skips) when it is missing.</summary>
    public static string Package(string name)
    {
        var dir = Path.Combine(Modules(), name);
        if (!File.Exists(Path.Combine(dir, "package.json")))
            Assert.Fail($"{name} is not installed at {dir}; run ./test.sh (it installs tests/tools into .tools/).");
        return dir;
    }

    /// <summary>Runs a node script (path relative to the repository) with <paramref name="env"/>; returns the JSON line it prints.</summary>
    public static async Task<JsonElement> RunAsync(string script, IDictionary<string, string> env)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(RepoRoot(), script)]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) start.Environment[k] = v;
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"{script} failed: {await stderr}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }
}
