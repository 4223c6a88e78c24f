using Gateway.Config;

namespace Gateway.Hosting;

/// <summary>
/// Finds the config file: <c>--config PATH</c>, else <c>GATEWAY_CONFIG</c>, else <c>gateway.yaml</c> in the working
/// directory, else beside the binary (where publishing puts it).
/// </summary>
public static class ConfigLocator
{
    public static string Locate(string[] args, Func<string, string?> env)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config") return Explicit(i + 1 < args.Length ? args[i + 1] : "", "--config");
            if (args[i].StartsWith("--config=", StringComparison.Ordinal)) return Explicit(args[i]["--config=".Length..], "--config");
        }
        if (env("GATEWAY_CONFIG") is { Length: > 0 } fromEnv) return Explicit(fromEnv, "GATEWAY_CONFIG");
        var local = Path.Combine(Directory.GetCurrentDirectory(), "gateway.yaml");
        if (File.Exists(local)) return local;
        var beside = Path.Combine(AppContext.BaseDirectory, "gateway.yaml");
        if (File.Exists(beside)) return beside;
        throw new StartupException($"No gateway.yaml found in {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}; pass --config PATH or set GATEWAY_CONFIG.");
    }

    private static string Explicit(string path, string from)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new StartupException($"{from}: no config file path given.");
        return File.Exists(path) ? path : throw new StartupException($"{from}: config file '{path}' not found (full path: {Path.GetFullPath(path)}).");
    }

    public static GatewayConfig Load(string[] args, Func<string, string?> env) => GatewayConfigLoader.Load(Locate(args, env), env);
}
