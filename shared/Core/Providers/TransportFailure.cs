using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Gateway.Providers;

/// <summary>
/// What kind of transport failure an upstream call met, in words a client may read. HttpClient's own messages name the
/// upstream host and port (<c>Connection refused (10.0.3.7:8000)</c>); those go to the gateway's log only.
/// </summary>
public static class TransportFailure
{
    /// <summary>A short description of <paramref name="e"/> that names no host, address or URL.</summary>
    public static string Describe(Exception e, bool midStream = false)
    {
        if (midStream) return "the connection broke off mid-stream" + Cause(e);
        if (e is HttpRequestException http)
        {
            switch (http.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError: return "the upstream host name could not be resolved (DNS)";
                case HttpRequestError.SecureConnectionError: return "the TLS handshake with the upstream failed";
                case HttpRequestError.ResponseEnded: return "the upstream closed the connection before answering";
                case HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError: return "the upstream broke the HTTP protocol";
                case HttpRequestError.ProxyTunnelError: return "the proxy to the upstream failed";
            }
        }
        return Socket(e) switch
        {
            SocketError.ConnectionRefused => "the connection was refused",
            SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => "the connection was reset",
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the upstream host name could not be resolved (DNS)",
            SocketError.TimedOut => "connecting timed out",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown => "the upstream host is unreachable",
            _ when Find<AuthenticationException>(e) is not null => "the TLS handshake with the upstream failed",
            _ when e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "the connection could not be made",
            _ => "the connection failed",
        };
    }

    private static string Cause(Exception e) => Socket(e) switch
    {
        SocketError.ConnectionReset or SocketError.ConnectionAborted => " (the connection was reset)",
        _ => "",
    };

    private static SocketError? Socket(Exception e) => Find<SocketException>(e)?.SocketErrorCode;

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T t) return t;
        return null;
    }
}
