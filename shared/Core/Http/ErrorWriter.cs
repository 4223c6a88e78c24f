using System.Text.Json;
using Gateway.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Http;

/// <summary>Writes a <see cref="GatewayException"/> as an OpenAI-style error response.</summary>
public static class ErrorWriter
{
    public static async Task WriteAsync(HttpContext ctx, GatewayException error)
    {
        Spend.CallRecord.Of(ctx)?.Failed(error);
        var response = ctx.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfter is { } retryAfter) response.Headers.RetryAfter = retryAfter;
        GatewayRequestFeature.Get(ctx)?.StampOverhead(response);
        if (error.UpstreamBody is { } raw)
        {
            await response.Body.WriteAsync(raw, ctx.RequestAborted);
            return;
        }
        await JsonSerializer.SerializeAsync(response.Body, ToEnvelope(error), GatewayJsonContext.Api.ErrorEnvelope, ctx.RequestAborted);
    }

    public static ErrorEnvelope ToEnvelope(GatewayException e) => new(new ErrorBody(e.Message, e.Type, e.Param, e.Code));

    /// <summary>The error as one SSE event, for failures after a stream has started.</summary>
    public static byte[] ToSseEvent(GatewayException e)
    {
        var json = e.UpstreamBody is { } raw ? raw.ToArray() : JsonSerializer.SerializeToUtf8Bytes(ToEnvelope(e), GatewayJsonContext.Api.ErrorEnvelope);
        return [.. "data: "u8, .. json, .. "\n\n"u8];
    }
}
