using System.Net;

namespace Gateway.Hosting;

/// <summary>Decides where Kestrel listens, and refuses to expose an unauthenticated gateway beyond loopback.</summary>
public static class ListenAddresses
{
    /// <summary><c>--urls</c>/<c>ASPNETCORE_URLS</c> win; else the host's port variable on 127.0.0.1; else 127.0.0.1:4000.</summary>
    public static string[] Resolve(string? configuredUrls, GatewayHostOptions options)
    {
        if (!string.IsNullOrWhiteSpace(configuredUrls))
            return configuredUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in options.PortVariables)
            if (options.Environment(name) is { Length: > 0 } value)
                return int.TryParse(value, out var port) && port is > 0 and < 65536
                    ? [$"http://127.0.0.1:{port}"]
                    : throw new StartupException($"{name}='{value}' is not a valid port number.");
        return [$"http://127.0.0.1:{GatewayHostOptions.DefaultPort}"];
    }

    /// <summary>Without a master key the gateway is open to anyone who can reach it: allow that only on loopback.</summary>
    public static void EnsureSafe(IReadOnlyList<string> urls, string? masterKey, GatewayHostOptions options)
    {
        if (masterKey is not null) return;
        if (options.RequiresMasterKey)
            throw new StartupException("No master key is set, and this host serves the gateway publicly. Set GATEWAY_MASTER_KEY (or general_settings.master_key) to a secret starting with 'sk-'.");
        foreach (var url in urls)
            if (!IsLoopback(url))
                throw new StartupException($"No master key is set, so the gateway only listens on loopback, but '{url}' was asked for. Set GATEWAY_MASTER_KEY (or general_settings.master_key) to serve beyond 127.0.0.1.");
    }

    public static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri)) return false;
        if (uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }
}
