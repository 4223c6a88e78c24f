using System.Collections.Concurrent;

namespace Gateway.Metrics;

/// <summary>
/// A deployment's <c>api_base</c> as the <c>api_base</c> label shows it: scheme, host, port and path only. A configured URL
/// may carry a key in its query string or credentials before the host, and /metrics must never publish a secret.
/// </summary>
internal static class ApiBaseLabel
{
    private static readonly ConcurrentDictionary<string, string> Labels = new(StringComparer.Ordinal);

    public static string Of(string? apiBase) => apiBase is null ? "" : Labels.GetOrAdd(apiBase, Strip);

    private static string Strip(string apiBase) =>
        Uri.TryCreate(apiBase, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
            : "";   // not a URL we can read safely: say nothing rather than echo it
}
