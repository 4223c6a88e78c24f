using Gateway.Spend;

namespace Gateway.Routing;

/// <summary>
/// What routing did for one call: every deployment tried (also told to the spend record), the one serving it, and the
/// serving deployment's in-flight slot, held until the call ends (a stream is in flight until its last chunk).
/// </summary>
public sealed class RouteTrace(CallRecord? record)
{
    private int _attempts;
    private int _finished;

    public Deployment? Served { get; private set; }
    public int Attempts => Volatile.Read(ref _attempts);

    internal void Attempting(Deployment d)
    {
        Interlocked.Increment(ref _attempts);
        record?.Attempting(d);
    }

    internal void Serving(Deployment d) => Served = d;

    /// <summary>The call ended: the serving deployment's slot is freed and its tokens count toward its minute (tpm).</summary>
    public void Finish(DateTimeOffset now, long tokens)
    {
        if (Served is not { } d || Interlocked.Exchange(ref _finished, 1) == 1) return;
        d.Load.Ended();
        if (tokens > 0) d.Load.CountTokens(now, tokens);
    }
}
