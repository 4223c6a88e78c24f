using System.Diagnostics;

namespace Gateway.Infra.Azure.Tests.Infrastructure;

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Describe() => $"exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>
/// The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package the project restores (its path is compiled into
/// the test assembly's metadata, not guessed). Runs fully offline: no registry modules are used.
/// </summary>
public static class BicepCli
{
    private static readonly Lazy<string> Executable = new(Locate);

    public static string Path => Executable.Value;

    /// <summary>An example master-key seed for deployments evaluated locally; never a real one.</summary>
    public const string ExampleMasterKeySeed = "example-seed-0123456789abcdef0123456789abcdef";

    public const string ExampleProviderKey = "sk-example-provider-key";
    public const string ExampleFabrikamProviderKey = "sk-example-fabrikam-provider-key";

    public static async Task<ProcessResult> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The example .bicepparam reads these; set here so no test depends on the caller's environment.
        start.Environment["GATEWAY_MASTER_KEY_SEED"] = ExampleMasterKeySeed;
        start.Environment["OPENAI_API_KEY"] = ExampleProviderKey;
        start.Environment["FABRIKAM_OPENAI_API_KEY"] = ExampleFabrikamProviderKey;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within 3 minutes.");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Locate()
    {
        var path = Repo.Metadata("BicepPath");
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"The Bicep CLI is not at {path}. Restore tests/Infra.Azure.Tests (it references Azure.Bicep.CommandLine.linux-x64).", path);
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("These tests run the linux-x64 Bicep CLI; run them on Linux x64.");
        // NuGet extracts the binary without the execute bit for group and others, and on some systems not at all.
        var mode = File.GetUnixFileMode(path);
        var wanted = mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if (mode != wanted) File.SetUnixFileMode(path, wanted);
        return path;
    }
}
