namespace Gateway.Identity;

/// <summary>What the identity sources read from the environment, and the clock and HTTP client they use; tests pass their own.</summary>
public sealed class IdentityEnvironment(Func<string, string?> variables, TimeProvider time, HttpMessageHandler? handler = null)
{
    public static IdentityEnvironment Process { get; } = new(Environment.GetEnvironmentVariable, TimeProvider.System);

    private HttpClient? _http;

    public TimeProvider Time => time;

    /// <summary>One client for every token request: short timeouts, no cookies, no redirects (a token endpoint never redirects).</summary>
    public HttpClient Http => _http ??= new HttpClient(handler ?? new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    }) { Timeout = TimeSpan.FromSeconds(30) };

    public string? this[string name] => variables(name) is { Length: > 0 } v ? v : null;

    /// <summary>Secrets go only to https, or to a loopback address (a local emulator or a test).</summary>
    public static Uri RequireSecure(string url, string setting)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
            throw new IdentityException($"{setting} must be an https URL (http only on a loopback address); it is '{url}'.");
        return uri;
    }
}
