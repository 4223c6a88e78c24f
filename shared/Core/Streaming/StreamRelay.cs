using System.Buffers;
using Gateway.Chat;
using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Streaming;

/// <summary>How a relayed stream ended, the usage read from it, and the error that broke it off (null: completed, or the client left).</summary>
public readonly record struct StreamOutcome(TokenUsage? Usage, bool Completed, GatewayException? Error = null);

/// <summary>
/// Forwards a <see cref="ChatStream"/> to the client as OpenAI SSE, flushing every chunk the moment it arrives.
/// Usage is read from the chunks; the usage-only chunk the gateway asked for on the client's behalf is withheld
/// when the client did not ask for it. A client that goes away cancels the upstream read.
/// </summary>
public static class StreamRelay
{
    /// <param name="beforeDone">
    /// Runs with the stream's usage after the last chunk and before <c>[DONE]</c> is flushed, so what it books
    /// (spend, limits) is durable by the time the client sees the end of the stream.
    /// </param>
    /// <param name="costOf">Prices the stream's usage, so the usage chunk the client asked for carries the call's cost as <c>usage.cost</c>.</param>
    /// <param name="progress">Counts the generated text that went out, for estimating usage if the stream breaks off.</param>
    public static async Task<StreamOutcome> RelayAsync(HttpContext ctx, ChatStream stream, bool clientWantsUsage, GatewayRequestFeature timing,
        Pipeline.OutputProgress progress, Func<TokenUsage?, Task>? beforeDone = null, Func<TokenUsage, decimal>? costOf = null)
    {
        var response = ctx.Response;
        var ct = ctx.RequestAborted;
        var writer = response.BodyWriter;
        TokenUsage? usage = null;
        var started = false;
        try
        {
            while (true)
            {
                if (!await timing.ReadUpstreamAsync(stream, ct)) break;
                var chunk = stream.Current;
                var facts = UsageReader.Read(chunk.Span);
                if (facts.Usage is { } u) usage = u;
                progress.Observe(chunk.Span);
                if (facts.Usage is not null && !facts.HasChoices && !clientWantsUsage) continue;
                if (!started) Start(response, timing, ref started);
                writer.Write("data: "u8);
                if (facts.Usage is { } priced && costOf is not null) writer.Write(UsageCost.Add(chunk.Span, costOf(priced)));
                else writer.Write(chunk.Span);
                writer.Write("\n\n"u8);
                var flushed = await writer.FlushAsync(ct);
                if (flushed.IsCompleted || flushed.IsCanceled) return new StreamOutcome(usage, false);
            }
            if (beforeDone is not null) await beforeDone(usage);
            if (!started) Start(response, timing, ref started);
            writer.Write("data: [DONE]\n\n"u8);
            await writer.FlushAsync(ct);
            return new StreamOutcome(usage, true);
        }
        catch (GatewayException e) when (started)
        {
            // Headers are out: the error can only travel as an event. Before that, the caller answers with a status.
            writer.Write(ErrorWriter.ToSseEvent(e));
            await writer.FlushAsync(CancellationToken.None);
            return new StreamOutcome(usage, false, e);
        }
    }

    private static void Start(HttpResponse response, GatewayRequestFeature timing, ref bool started)
    {
        SseResponse.Start(response, timing);
        started = true;
    }
}
