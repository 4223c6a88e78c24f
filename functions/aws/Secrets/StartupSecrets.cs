namespace Gateway.Functions.Aws.Secrets;

/// <summary>
/// Before the gateway starts: reads the secrets <see cref="SecretParameterList"/> names from SSM and sets them as
/// process environment variables (only those not already set), so <c>GATEWAY_MASTER_KEY</c> and the
/// <c>os.environ/NAME</c> references in gateway.yaml resolve. Values are never written anywhere else.
/// </summary>
public static class StartupSecrets
{
    /// <summary>The exit code for a secret that cannot be read, as for any other start-up failure.</summary>
    public const int FailureExitCode = 2;

    /// <summary>Returns null when the gateway may start, else the exit code (the reason is on <paramref name="error"/>).</summary>
    public static async Task<int?> LoadAsync(Func<string, string?> env, TextWriter error, CancellationToken ct = default)
    {
        try
        {
            var wanted = SecretParameterList.From(env);
            if (wanted.Count == 0) return null;
            using var ssm = SsmClientFactory.Create(env);
            var values = await new SsmParameterReader(ssm).ReadAsync(wanted.Select(p => p.Parameter), ct);
            foreach (var p in wanted)
                Environment.SetEnvironmentVariable(p.Variable, values[p.Parameter]);
            return null;
        }
        catch (SecretsException e)
        {
            await error.WriteLineAsync("gateway: cannot start: " + e.Message);
            return FailureExitCode;
        }
    }
}
