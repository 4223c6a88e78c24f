using Microsoft.AspNetCore.Http;

namespace Gateway.Http;

/// <summary>Writes an already-serialized JSON body with the gateway's headers.</summary>
public static class JsonResponse
{
    public static async Task WriteAsync(HttpContext ctx, ReadOnlyMemory<byte> body, GatewayRequestFeature timing, string contentType = "application/json")
    {
        var response = ctx.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        timing.StampOverhead(response);
        await response.BodyWriter.WriteAsync(body, ctx.RequestAborted);
    }
}
