using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Gateway.Http;

/// <summary>
/// Per-request bookkeeping: the request id, and the time spent waiting on upstreams so that
/// <c>x-gateway-overhead-duration-ms</c> reports only the gateway's own share.
/// </summary>
public sealed class GatewayRequestFeature
{
    public const string RequestIdHeader = "x-gateway-request-id";
    public const string OverheadHeader = "x-gateway-overhead-duration-ms";

    private readonly long _start = Stopwatch.GetTimestamp();
    private long _upstreamTicks;
    private long _upstreamSince;

    public string RequestId { get; } = "req_" + Guid.CreateVersion7().ToString("N");

    public static GatewayRequestFeature? Get(HttpContext ctx) => ctx.Features.Get<GatewayRequestFeature>();

    /// <summary>When the first streamed event went out (null until a stream starts).</summary>
    public DateTimeOffset? FirstChunkAt { get; private set; }

    private Action? _onFirstChunk;

    /// <summary>From the request's arrival to the first streamed event (null until a stream starts).</summary>
    public TimeSpan? TimeToFirstChunk { get; private set; }

    public void MarkFirstChunk()
    {
        if (FirstChunkAt is not null) return;
        FirstChunkAt = DateTimeOffset.UtcNow;
        TimeToFirstChunk = Stopwatch.GetElapsedTime(_start);
        _onFirstChunk?.Invoke();
    }

    /// <summary>Runs <paramref name="observer"/> when the first streamed event goes out (the router's time-to-first-token sample).</summary>
    public void OnFirstChunk(Action observer) => _onFirstChunk = observer;

    /// <summary>Reads the next event of an upstream stream, counting the wait as upstream time, not the gateway's.</summary>
    public async ValueTask<bool> ReadUpstreamAsync<TSource>(TSource source, CancellationToken ct) where TSource : Streaming.IEventSource
    {
        UpstreamStarted();
        try
        {
            return await source.ReadAsync(ct);
        }
        finally
        {
            UpstreamEnded();
        }
    }

    /// <summary>Marks the start of a wait on an upstream (send, headers, body or next stream chunk).</summary>
    public void UpstreamStarted() => _upstreamSince = Stopwatch.GetTimestamp();

    public void UpstreamEnded()
    {
        if (_upstreamSince == 0) return;
        _upstreamTicks += Stopwatch.GetTimestamp() - _upstreamSince;
        _upstreamSince = 0;
    }

    /// <summary>Time since the request arrived, and the part of it spent waiting on upstreams.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);
    public TimeSpan UpstreamTime => Stopwatch.GetElapsedTime(0, _upstreamTicks);

    public double OverheadMilliseconds =>
        Stopwatch.GetElapsedTime(_start).TotalMilliseconds - Stopwatch.GetElapsedTime(0, _upstreamTicks).TotalMilliseconds;

    /// <summary>Sets the overhead header; call right before the response starts.</summary>
    public void StampOverhead(HttpResponse response)
    {
        if (response.HasStarted) return;
        response.Headers[OverheadHeader] = Math.Max(0, OverheadMilliseconds).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
    }
}
