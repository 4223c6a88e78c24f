using Gateway.Streaming;
using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.AnthropicApi;

/// <summary>
/// Writes Anthropic stream events to the client, flushing each as it arrives. A failure after the first event goes
/// out as an Anthropic <c>error</c> event; before it, the caller answers with an error status.
/// </summary>
internal static class MessagesRelay
{
    /// <param name="beforeStop">Runs before the final <c>message_stop</c> event goes out (or at the end of a stream without
    /// one), so the call's spend and budget are booked by the time the client sees the stream end.</param>
    public static async Task<StreamOutcome> RelayAsync(HttpContext ctx, MessagesEventSource events, GatewayRequestFeature timing, Pipeline.OutputProgress progress, Func<Task> beforeStop)
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
                progress.ObserveSse(events.Current.Span);
                if (!booked && events.Current.Span.StartsWith("event: message_stop"u8))
                {
                    booked = true;
                    await beforeStop();
                }
                if (!started) Start(response, timing, ref started);
                await writer.WriteAsync(events.Current, ct);
                var flushed = await writer.FlushAsync(ct);
                if (flushed.IsCompleted || flushed.IsCanceled) return new StreamOutcome(null, false);
            }
            if (!booked) await beforeStop();
            if (!started) Start(response, timing, ref started);
            await writer.FlushAsync(ct);
            return new StreamOutcome(null, true);
        }
        catch (GatewayException e) when (started)
        {
            await writer.WriteAsync(MessagesErrors.SseEvent(e), CancellationToken.None);
            await writer.FlushAsync(CancellationToken.None);
            return new StreamOutcome(null, false, e);
        }
    }

    private static void Start(HttpResponse response, GatewayRequestFeature timing, ref bool started)
    {
        SseResponse.Start(response, timing);
        started = true;
    }
}
