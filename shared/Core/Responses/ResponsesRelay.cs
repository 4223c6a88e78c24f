using Gateway.Http;
using Gateway.Streaming;
using Microsoft.AspNetCore.Http;

namespace Gateway.Responses;

/// <summary>
/// Writes Responses stream events to the client, flushing each as it arrives. The call is booked (and the response kept)
/// before the event that ends the response goes out. A failure after the first event goes out as an <c>error</c> event.
/// </summary>
internal static class ResponsesRelay
{
    public static async Task<StreamOutcome> RelayAsync(HttpContext ctx, ResponseEventSource events, GatewayRequestFeature timing,
        Func<Task> beforeEnd)
    {
        var booked = false;
        var response = ctx.Response;
        var ct = ctx.RequestAborted;
        var writer = response.BodyWriter;
        var started = false;
        try
        {
            while (true)
            {
                if (!await timing.ReadUpstreamAsync(events, ct)) break;
                if (!booked && events.AtEnd)
                {
                    booked = true;
                    await beforeEnd();
                }
                if (!started) Start(response, timing, ref started);
                await writer.WriteAsync(events.Current, ct);
                var flushed = await writer.FlushAsync(ct);
                if (flushed.IsCompleted || flushed.IsCanceled) return new StreamOutcome(events.Usage, false);
            }
            if (!booked) await beforeEnd();
            if (!started) Start(response, timing, ref started);
            await writer.FlushAsync(ct);
            return new StreamOutcome(events.Usage, true);
        }
        catch (GatewayException e) when (started)
        {
            await writer.WriteAsync(ResponseEventWriter.ErrorEvent(e, events.NextSequence), CancellationToken.None);
            await writer.FlushAsync(CancellationToken.None);
            return new StreamOutcome(events.Usage, false, e);
        }
    }

    private static void Start(HttpResponse response, GatewayRequestFeature timing, ref bool started)
    {
        SseResponse.Start(response, timing);
        started = true;
    }
}
