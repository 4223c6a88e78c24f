using System.Diagnostics;
using Gateway.Tests.Support;

namespace Gateway.Tests.AdminUi;

/// <summary>
/// The committed bundle (shared/Core/AdminUi/wwwroot, embedded in the gateway so it runs without npm) is exactly what
/// esbuild makes of ui/src today: an edit to the source without a rebuild, or a hand edit of the bundle, fails here.
/// test.sh installs ui/'s npm packages (esbuild) into ui/node_modules.
/// </summary>
public sealed class ConsoleBundleTests
{
    [Fact]
    public async Task The_committed_bundle_matches_a_fresh_build_of_the_source()
    {
        var root = RepoPaths.Root();
        var ui = Path.Combine(root, "ui");
        if (!File.Exists(Path.Combine(ui, "node_modules", "esbuild", "package.json")))
            Assert.Fail($"esbuild is not installed in {ui}/node_modules; run ./test.sh (it runs npm ci there) or `npm ci` in ui/.");
        var fresh = Path.Combine(Path.GetTempPath(), "gw-ui-" + Guid.NewGuid().ToString("N"));
        try
        {
            var start = new ProcessStartInfo("node", [Path.Combine(ui, "build.mjs"), fresh]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var node = Process.Start(start)!;
            var stderr = node.StandardError.ReadToEndAsync();
            await node.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await node.WaitForExitAsync(timeout.Token);
            Assert.True(node.ExitCode == 0, "ui/build.mjs failed: " + await stderr);

            var committed = Path.Combine(root, "shared", "Core", "AdminUi", "wwwroot");
            var expected = Files(fresh);
            Assert.True(expected.Count >= 3, "the build made fewer files than the page, its script and its stylesheet");
            Assert.Equal(expected, Files(committed)); // same names: a changed source changes the hashed names
            foreach (var name in expected)
                Assert.True(File.ReadAllBytes(Path.Combine(fresh, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(committed, name))),
                    $"{name} differs from a fresh build: run `npm run build` in ui/ and commit the result.");
        }
        finally
        {
            if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        }
    }

    private static List<string> Files(string dir) =>
        [.. Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];
}
