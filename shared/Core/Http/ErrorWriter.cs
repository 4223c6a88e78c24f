using System.Text.Json;
using Gateway.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Http;

/// <summary>Writes a <see cref="GatewayException"/> as an OpenAI-style error response.</summary>
public static class ErrorWriter
{
    public static Task WriteAsync(HttpContext ctx, GatewayException error) => WriteAsync(ctx, error, Body(error));

    /// <summary>
    /// Answers with the error's status, <c>Retry-After</c> and overhead header and the given body (each API surface
    /// shapes its own), and notes the error on the call's spend record.
    /// </summary>
    public static async Task WriteAsync(HttpContext ctx, GatewayException error, ReadOnlyMemory<byte> body)
    {
        CallRecords.Of(ctx)?.Failed(error);
        var response = ctx.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfter is { } retryAfter) response.Headers.RetryAfter = retryAfter;
        foreach (var (name, value) in error.Headers) response.Headers[name] = value;
        GatewayRequestFeature.Get(ctx)?.StampOverhead(response);
        await response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    public static ErrorEnvelope ToEnvelope(GatewayException e) => new(new ErrorBody(e.Message, e.Type, e.Param, e.Code));

    /// <summary>The OpenAI-shaped body, always the gateway's own envelope (upstream errors arrive here already redacted).</summary>
    private static byte[] Body(GatewayException e) =>
        JsonSerializer.SerializeToUtf8Bytes(ToEnvelope(e), GatewayJsonContext.Api.ErrorEnvelope);

    /// <summary>The error as one SSE event, for failures after a stream has started.</summary>
    public static byte[] ToSseEvent(GatewayException e) => [.. "data: "u8, .. Body(e), .. "\n\n"u8];
}
