using Gateway.Streaming;
using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Messages;

/// <summary>
/// Writes Anthropic stream events to the client, flushing each as it arrives. A failure after the first event goes
/// out as an Anthropic <c>error</c> event; before it, the caller answers with an error status.
/// </summary>
internal static class MessagesRelay
{
    public static async Task RelayAsync(HttpContext ctx, MessagesEventSource events, GatewayRequestFeature timing)
    {
        var response = ctx.Response;
        var ct = ctx.RequestAborted;
        var writer = response.BodyWriter;
        var started = false;
        try
        {
            while (true)
            {
                bool more;
                timing.UpstreamStarted();
                try
                {
                    more = await events.ReadAsync(ct);
                }
                finally
                {
                    timing.UpstreamEnded();
                }
                if (!more) break;
                if (!started) Start(response, timing, ref started);
                await writer.WriteAsync(events.Current, ct);
                var flushed = await writer.FlushAsync(ct);
                if (flushed.IsCompleted || flushed.IsCanceled) return;
            }
            if (!started) Start(response, timing, ref started);
            await writer.FlushAsync(ct);
        }
        catch (GatewayException e) when (started)
        {
            await writer.WriteAsync(MessagesErrors.SseEvent(e), CancellationToken.None);
            await writer.FlushAsync(CancellationToken.None);
        }
    }

    private static void Start(HttpResponse response, GatewayRequestFeature timing, ref bool started)
    {
        SseResponse.Start(response, timing);
        started = true;
    }
}
