using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Streaming;

/// <summary>Starts an SSE response: status, no caching or proxy buffering, and the overhead header while it can still be set.</summary>
public static class SseResponse
{
    public static void Start(HttpResponse response, GatewayRequestFeature timing)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        timing.StampOverhead(response);
        timing.MarkFirstChunk();
    }
}
