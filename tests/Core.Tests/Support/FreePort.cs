using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Support;

/// <summary>A loopback port nothing listens on (bound and released at once).</summary>
public static class FreePort
{
    public static int Get()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
