using Microsoft.AspNetCore.Http;

namespace Gateway.Http;

/// <summary>Writes an already-serialized JSON body with the gateway's headers.</summary>
public static class JsonResponse
{
    public static async Task WriteAsync(HttpContext ctx, ReadOnlyMemory<byte> body, GatewayRequestFeature timing, string contentType = "application/json",
        int statusCode = StatusCodes.Status200OK)
    {
        var response = ctx.Response;
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        timing.StampOverhead(response);
        await response.BodyWriter.WriteAsync(body, ctx.RequestAborted);
    }
}
