namespace Gateway.Routing;

/// <summary>
/// What this instance knows of a deployment's load: calls in flight, recent latencies (time to first token for streams)
/// and this minute's requests and tokens. Lock-free where it is read on every pick.
/// </summary>
public sealed class DeploymentLoad
{
    public const int DefaultLatencySamples = 10;

    private int _inFlight;
    private readonly object _gate = new();
    private long[] _sampleAt = new long[DefaultLatencySamples];
    private double[] _sampleMs = new double[DefaultLatencySamples];
    private int _samples;
    private int _next;
    private long _minute = -1;
    private long _minuteRequests;
    private long _minuteTokens;

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Started() => Interlocked.Increment(ref _inFlight);

    public void Ended() => Interlocked.Decrement(ref _inFlight);

    /// <summary><c>max_latency_list_size</c>: how many recent samples the average is taken over.</summary>
    internal void SizeLatencyWindow(int size)
    {
        lock (_gate)
        {
            _sampleAt = new long[size];
            _sampleMs = new double[size];
            _samples = _next = 0;
        }
    }

    public void RecordLatency(DateTimeOffset at, TimeSpan latency)
    {
        lock (_gate)
        {
            _sampleAt[_next] = at.UtcTicks;
            _sampleMs[_next] = latency.TotalMilliseconds;
            _next = (_next + 1) % _sampleAt.Length;
            if (_samples < _sampleAt.Length) _samples++;
        }
    }

    /// <summary>The mean of the samples taken after <paramref name="since"/>; null when there are none (never tried, or all stale).</summary>
    public double? AverageLatencyMs(DateTimeOffset since)
    {
        var floor = since.UtcTicks;
        double sum = 0;
        var n = 0;
        lock (_gate)
        {
            for (var i = 0; i < _samples; i++)
            {
                if (_sampleAt[i] < floor) continue;
                sum += _sampleMs[i];
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    /// <summary>A request was sent this minute (rpm).</summary>
    public void CountRequest(DateTimeOffset now)
    {
        lock (_gate)
        {
            Roll(now);
            _minuteRequests++;
        }
    }

    /// <summary>A call's tokens, booked to the minute it ended in (tpm).</summary>
    public void CountTokens(DateTimeOffset now, long tokens)
    {
        lock (_gate)
        {
            Roll(now);
            _minuteTokens += tokens;
        }
    }

    public (long Requests, long Tokens) ThisMinute(DateTimeOffset now)
    {
        lock (_gate)
        {
            Roll(now);
            return (_minuteRequests, _minuteTokens);
        }
    }

    private void Roll(DateTimeOffset now)
    {
        var minute = now.UtcTicks / TimeSpan.TicksPerMinute;
        if (minute == _minute) return;
        _minute = minute;
        _minuteRequests = _minuteTokens = 0;
    }
}
