using Gateway.Limits;
using Microsoft.AspNetCore.Http;

namespace Gateway.Http;

/// <summary>Puts the limits engine's header values on a response while its headers can still be set.</summary>
public static class LimitHeadersWriter
{
    public static void Write(HttpResponse response, LimitHeaders headers)
    {
        if (response.HasStarted) return;
        foreach (var (name, value) in headers.Pairs()) response.Headers[name] = value;
    }
}
