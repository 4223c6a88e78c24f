using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Azure.Core;

namespace Gateway.Identity;

/// <summary>
/// The developer's own login, through <c>az account get-access-token</c>, for running the gateway locally against Azure
/// resources. Unavailable when the Azure CLI is not installed or not logged in.
/// </summary>
internal sealed class AzureCliToken(IdentityEnvironment env, string executable = "az") : ITokenSource
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public string Name => "Azure CLI (az login)";

    public async ValueTask<AccessToken?> TryGetTokenAsync(string scope, CancellationToken ct)
    {
        var start = new ProcessStartInfo(env["GATEWAY_AZ_CLI"] ?? executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in (ReadOnlySpan<string>)["account", "get-access-token", "--output", "json", "--resource", TokenResponse.Resource(scope)])
            start.ArgumentList.Add(arg);
        if (env["AZURE_TENANT_ID"] is { } tenant) { start.ArgumentList.Add("--tenant"); start.ArgumentList.Add(tenant); }

        Process process;
        try { process = Process.Start(start)!; }
        catch (Win32Exception) { return null; }                 // not installed
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new IdentityException($"{Name}: 'az account get-access-token' did not answer within {Timeout.TotalSeconds:0} s.");
            }
            var error = await stderr;
            if (process.ExitCode != 0)
            {
                if (error.Contains("az login", StringComparison.OrdinalIgnoreCase)) return null;   // installed, not logged in
                throw new IdentityException($"{Name}: 'az account get-access-token' failed: {FirstLine(error)}");
            }
            return TokenResponse.Parse(Encoding.UTF8.GetBytes(await stdout), env.Time, Name);
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
