using System.Diagnostics;
using Gateway.Infra.Azure.Tests.Infrastructure;

namespace Gateway.Infra.Azure.Tests;

/// <summary>
/// What the functions project copies into its build and publish output, by MSBuild evaluation (no build): host.json at
/// the app root and a folder per function, none of them named like the binary (a folder "gateway" beside the
/// executable "gateway" cannot exist).
/// </summary>
public sealed class PublishLayoutTests
{
    private static async Task<JsonNode> EvaluateAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Repo.FunctionsApp,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "msbuild", "Gateway.Azure.csproj", "-nologo", "-getProperty:AssemblyName", "-getItem:Content" })
            start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stdout + await stderr);
        return JsonNode.Parse(await stdout)!;
    }

    [Fact]
    public async Task HostFilesShipBesideTheBinaryWithoutColliding()
    {
        var evaluation = await EvaluateAsync();
        var binary = evaluation["Properties"]!["AssemblyName"]!.GetValue<string>();
        Assert.Equal("gateway", binary);

        var shipped = evaluation["Items"]!["Content"]!.AsArray()
            .Select(i => i!.AsObject())
            .Where(i => i["CopyToPublishDirectory"]?.GetValue<string>() is "PreserveNewest" or "Always")
            .ToDictionary(
                i => i["Identity"]!.GetValue<string>().Replace('\\', '/'),
                i => (i["Link"]?.GetValue<string>() is { Length: > 0 } link ? link : i["Identity"]!.GetValue<string>()).Replace('\\', '/'));

        Assert.Equal("host.json", shipped["host.json"]);
        var functionFolders = Directory.EnumerateDirectories(Repo.FunctionsApp)
            .Where(d => File.Exists(Path.Combine(d, "function.json"))).Select(Path.GetFileName).ToArray();
        Assert.NotEmpty(functionFolders);
        var targets = new List<string>();
        foreach (var folder in functionFolders)
        {
            Assert.True(shipped.TryGetValue($"{folder}/function.json", out var target), $"{folder}/function.json is not published");
            var parts = target!.Split('/');
            Assert.Equal(2, parts.Length);
            Assert.Equal("function.json", parts[1]);
            Assert.NotEqual(binary, parts[0]);
            targets.Add(parts[0]);
        }
        Assert.Equal(targets.Count, targets.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal("http/function.json", shipped["gateway/function.json"]);
    }
}
