namespace Gateway.Infra.Azure.Tests.Infrastructure;

/// <summary>
/// The compiled main template, and a deployment snapshot of the two-tenant example (Bicep evaluates the whole
/// deployment locally: module loops expanded, nested deployments flattened, every value known before deployment
/// computed). Each is produced once per test run, in a temporary copy of infra/bicep so nothing lands in the checkout.
/// </summary>
public static class Deployments
{
    public const string SubscriptionId = "11111111-1111-1111-1111-111111111111";
    public const string TenantId = "22222222-2222-2222-2222-222222222222";
    public const string Location = "eastus2";

    /// <summary>This run's scratch folder (copies of infra/bicep, compiled output), removed when the run ends.</summary>
    public static string Scratch { get; } = CreateScratch();

    private static readonly Lazy<Task<JsonNode>> MainTemplate = new(CompileMainAsync);
    private static readonly Lazy<Task<JsonNode>> TwoTenantSnapshot = new(() => SnapshotTwoTenantsAsync(null));

    public static Task<JsonNode> CompiledMainAsync() => MainTemplate.Value;

    public static Task<JsonNode> TwoTenantsAsync() => TwoTenantSnapshot.Value;

    /// <summary>A snapshot of the two-tenant example after <paramref name="editParameters"/> changed its parameter file.</summary>
    public static Task<JsonNode> TwoTenantsAsync(Func<string, string> editParameters) => SnapshotTwoTenantsAsync(editParameters);

    /// <summary>A fresh copy of infra/bicep in a temporary folder.</summary>
    public static string CopyOfBicepTree()
    {
        var target = Path.Combine(Scratch, Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(Repo.Bicep, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Repo.Bicep, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }

    private static string CreateScratch()
    {
        // The test host may be stopped before exit handlers run, so each run also sweeps up after earlier ones.
        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), "gateway-infra-tests-*"))
        {
            try
            {
                if (Directory.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddHours(-1)) Directory.Delete(stale, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        var path = Path.Combine(Path.GetTempPath(), "gateway-infra-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(path);
        return path;
    }

    public static void TryDelete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static async Task<JsonNode> CompileMainAsync()
    {
        var directory = CopyOfBicepTree();
        var output = Path.Combine(directory, "main.json");
        var result = await BicepCli.RunAsync(directory, "build", "main.bicep", "--outfile", output);
        if (result.ExitCode != 0) throw new InvalidOperationException("bicep build main.bicep failed: " + result.Describe());
        var template = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        TryDelete(directory);
        return template;
    }

    /// <summary>
    /// The Key Vault secrets the two-tenant example would write, with their values: secret name -> value.
    /// <c>bicep snapshot</c> never computes a value that depends on a secure parameter, so this runs on a copy of
    /// infra/bicep whose <c>@secure()</c> decorators are removed (nothing else changes); <paramref name="editParameters"/>
    /// may change the example's parameter file first.
    /// </summary>
    public static Task<Dictionary<string, string>> EvaluatedSecretsAsync(Func<string, string>? editParameters = null) =>
        editParameters is null ? DefaultSecrets.Value : EvaluateSecretsAsync(editParameters);

    private static readonly Lazy<Task<Dictionary<string, string>>> DefaultSecrets = new(() => EvaluateSecretsAsync(null));

    private static async Task<Dictionary<string, string>> EvaluateSecretsAsync(Func<string, string>? editParameters)
    {
        var directory = CopyOfBicepTree();
        foreach (var file in Directory.EnumerateFiles(directory, "*.bicep", SearchOption.AllDirectories))
        {
            var lines = await File.ReadAllLinesAsync(file);
            await File.WriteAllLinesAsync(file, lines.Where(l => l.Trim() != "@secure()"));
        }
        var parameters = Path.Combine(directory, "examples", "two-tenants.bicepparam");
        if (editParameters is not null) await File.WriteAllTextAsync(parameters, editParameters(await File.ReadAllTextAsync(parameters)));
        var result = await BicepCli.RunAsync(directory, "snapshot", Path.Combine("examples", "two-tenants.bicepparam"),
            "--mode", "overwrite", "--subscription-id", SubscriptionId, "--tenant-id", TenantId,
            "--location", Location, "--deployment-name", "gateway-tests");
        if (result.ExitCode != 0) throw new InvalidOperationException("bicep snapshot failed: " + result.Describe());
        var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "examples", "two-tenants.snapshot.json")))!;
        TryDelete(directory);
        return snapshot["predictedResources"]!.AsArray()
            .Where(r => r!["type"]!.GetValue<string>() == "Microsoft.KeyVault/vaults/secrets")
            .ToDictionary(r => r!["name"]!.GetValue<string>().Split('/')[^1], r => r!["properties"]!["value"]!.GetValue<string>());
    }

    private static async Task<JsonNode> SnapshotTwoTenantsAsync(Func<string, string>? editParameters)
    {
        var directory = CopyOfBicepTree();
        var parameters = Path.Combine(directory, "examples", "two-tenants.bicepparam");
        if (editParameters is not null) await File.WriteAllTextAsync(parameters, editParameters(await File.ReadAllTextAsync(parameters)));
        var result = await BicepCli.RunAsync(directory, "snapshot", Path.Combine("examples", "two-tenants.bicepparam"),
            "--mode", "overwrite", "--subscription-id", SubscriptionId, "--tenant-id", TenantId,
            "--location", Location, "--deployment-name", "gateway-tests");
        if (result.ExitCode != 0) throw new InvalidOperationException("bicep snapshot failed: " + result.Describe());
        var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "examples", "two-tenants.snapshot.json")))!;
        snapshot["cliOutput"] = result.StandardOutput + result.StandardError;
        TryDelete(directory);
        return snapshot;
    }
}
