using System.Diagnostics;

namespace Gateway.Infra.Aws.Tests;

/// <summary>functions/aws/bootstrap, the provided.al2023 entry point, run for real with a stand-in binary.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BootstrapScriptTests : IDisposable
{
    private readonly string _root = TestSupport.NewTempDir("bootstrap");
    private static string Script => Path.Combine(TestSupport.RepoRoot, "functions", "aws", "bootstrap");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public void Bootstrap_is_an_executable_sh_script()
    {
        Assert.True(File.Exists(Script), $"{Script} is missing");
        Assert.StartsWith("#!/bin/sh\n", File.ReadAllText(Script));
        Assert.True(File.GetUnixFileMode(Script).HasFlag(UnixFileMode.UserExecute), "bootstrap must be executable (Lambda runs it directly)");
    }

    [Fact]
    public void Bootstrap_execs_the_gateway_binary_from_the_task_root()
    {
        // A task root like /var/task: the bootstrap plus a stand-in for bootstrap-gateway that reports how it was started.
        var taskRoot = Path.Combine(_root, "task");
        Directory.CreateDirectory(taskRoot);
        File.Copy(Script, Path.Combine(taskRoot, "bootstrap"));
        var fake = Path.Combine(taskRoot, "bootstrap-gateway");
        File.WriteAllText(fake, "#!/bin/sh\necho \"pwd=$(pwd) home=$HOME port=$AWS_LWA_PORT args=$*\"\necho \"pid=$$\"\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var psi = new ProcessStartInfo("/bin/sh", [Path.Combine(taskRoot, "bootstrap"), "--extra"])
        {
            WorkingDirectory = _root, // Lambda's working directory is not relied on
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["LAMBDA_TASK_ROOT"] = taskRoot;
        psi.Environment["AWS_LWA_PORT"] = "8080";
        psi.Environment.Remove("HOME");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(10_000), "bootstrap did not exit");
        Assert.True(process.ExitCode == 0, $"bootstrap exited {process.ExitCode}: {stderr}");

        Assert.Contains($"pwd={taskRoot} home=/tmp port=8080 args=--extra", stdout);
        // exec: the gateway replaces the shell, so it has the shell's pid (Lambda's signals reach the gateway itself).
        Assert.Contains($"pid={process.Id}", stdout);
    }
}
