using Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// The outermost gateway middleware: gives each request its id, turns every failure into an OpenAI-style error
/// (never a stack trace), and answers unknown routes and methods in the same shape.
/// </summary>
internal sealed partial class ErrorBoundary(RequestDelegate next, ILogger<ErrorBoundary> log)
{
    public async Task InvokeAsync(HttpContext ctx)
    {
        var feature = new GatewayRequestFeature();
        ctx.Features.Set(feature);
        ctx.Response.Headers[GatewayRequestFeature.RequestIdHeader] = feature.RequestId;
        try
        {
            await next(ctx);
            if (ctx.Response is { HasStarted: false, StatusCode: 404 or 405 } r && r.ContentType is null)
                await ErrorWriter.WriteAsync(ctx, RouteError(ctx));
        }
        catch (GatewayException e) when (!ctx.Response.HasStarted)
        {
            await ErrorWriter.WriteAsync(ctx, e);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (BadHttpRequestException e) when (!ctx.Response.HasStarted)
        {
            await ErrorWriter.WriteAsync(ctx, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Errors.PayloadTooLarge(ctx.RequestServices.GetRequiredService<Config.GatewayConfig>().MaxRequestBytes)
                : Errors.BadRequest("The request could not be read: " + e.Message));
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            LogUnhandled(e, feature.RequestId, ctx.Request.Method, ctx.Request.Path);
            await ErrorWriter.WriteAsync(ctx, Errors.Internal(feature.RequestId));
        }
        catch (Exception e)
        {
            // Mid-stream: the status is already sent; log and end the response.
            LogUnhandled(e, feature.RequestId, ctx.Request.Method, ctx.Request.Path);
        }
        finally
        {
            // An admitted call that ended without its spend event (an error, a client that left): write it now, before
            // the response completes. The error writers noted the error; otherwise the client left.
            if (CallRecords.Of(ctx) is { Emitted: false } call)
                await call.EmitFailureAsync(ctx.RequestAborted.IsCancellationRequested ? Errors.ClientClosed() : Errors.Internal(feature.RequestId));
        }
    }

    private static GatewayException RouteError(HttpContext ctx) => ctx.Response.StatusCode == 405
        ? new GatewayException(405, Errors.InvalidRequest, $"Method {ctx.Request.Method} is not allowed on {ctx.Request.Path}.", "method_not_allowed")
        : new GatewayException(404, Errors.InvalidRequest, $"Unknown route: {ctx.Request.Method} {ctx.Request.Path}. The OpenAI-compatible API is under /v1.", "unknown_url");

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} ({Method} {Path}) failed")]
    private partial void LogUnhandled(Exception e, string requestId, string method, string path);
}
