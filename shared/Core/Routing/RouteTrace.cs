using Gateway.Spend;

namespace Gateway.Routing;

/// <summary>
/// What routing did for one call: every deployment tried (also told to the spend record), the one serving it, and the
/// serving deployment's in-flight slot, held until the call ends (a stream is in flight until its last chunk). A stream's
/// latency sample is its time to the first chunk, taken when that chunk goes out, so latency-based routing ranks
/// streams by what their users wait for rather than by how fast the upstream sent its headers.
/// </summary>
public sealed class RouteTrace(CallRecord? record, TimeProvider time)
{
    private int _attempts;
    private int _finished;
    private int _latencyTaken;
    private long _servedStarted;

    public Deployment? Served { get; private set; }
    public int Attempts => Volatile.Read(ref _attempts);

    internal void Attempting(Deployment d)
    {
        Interlocked.Increment(ref _attempts);
        record?.Attempting(d);
    }

    /// <param name="started">The serving attempt's start (a <see cref="TimeProvider"/> timestamp).</param>
    /// <param name="stream">A stream's latency is taken at its first chunk (<see cref="FirstChunk"/>), not now.</param>
    internal void Serving(Deployment d, long started, bool stream)
    {
        Served = d;
        _servedStarted = started;
        if (!stream) TakeLatency();
    }

    /// <summary>The stream's first chunk went out to the client: its time to first token is the serving deployment's latency sample.</summary>
    public void FirstChunk() => TakeLatency();

    /// <summary>The call ended: the serving deployment's slot is freed and its tokens count toward its minute (tpm).</summary>
    public void Finish(DateTimeOffset now, long tokens)
    {
        if (Served is not { } d || Interlocked.Exchange(ref _finished, 1) == 1) return;
        TakeLatency(); // a stream that ended with no chunk: its whole time is the sample
        d.Load.Ended();
        if (tokens > 0) d.Load.CountTokens(now, tokens);
    }

    private void TakeLatency()
    {
        if (Served is not { } d || Interlocked.Exchange(ref _latencyTaken, 1) == 1) return;
        d.Load.RecordLatency(time.GetUtcNow(), time.GetElapsedTime(_servedStarted));
    }
}
