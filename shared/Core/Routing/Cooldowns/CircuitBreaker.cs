using Gateway.Http;
using Gateway.Routing.Failures;

namespace Gateway.Routing.Cooldowns;

/// <summary>
/// One deployment's passive health. Closed, it counts this minute's calls and failures; it opens (the deployment cools
/// down for <c>cooldown_time</c>) when failures exceed <c>allowed_fails</c> (or the class's <c>allowed_fails_policy</c>),
/// when more than half of at least 5 calls this minute failed, or at once on an upstream 401, 403 or 404. When the
/// cooldown ends it is half-open: exactly one trial call goes through; success closes it, failure opens it again.
/// Failures that say nothing about the deployment (context window; caller faults and content policy unless the policy
/// names them) are not counted.
/// </summary>
public sealed class CircuitBreaker
{
    /// <summary>The breaker of a deployment that is never cooled (a group of one, or <c>disable_cooldowns</c>).</summary>
    public static readonly CircuitBreaker Disabled = new(null);

    private const int MinCallsForRate = 5;
    private readonly CooldownSettings? _settings;
    private readonly object _gate = new();
    private readonly int[] _classFailures = new int[FailureClasses.All.Length];
    private long _openUntilTicks;     // 0: closed
    private int _trialTaken;          // half-open: the one trial is out
    private long _minute = -1;
    private int _calls;
    private int _failures;
    private readonly Dictionary<int, long> _trips = [];

    public CircuitBreaker(CooldownSettings? settings) => _settings = settings;

    public bool Enabled => _settings is not null;

    /// <summary>The end of the current cooldown (or of the last one while half-open); null when closed.</summary>
    public DateTimeOffset? CooldownUntil => Volatile.Read(ref _openUntilTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    public (int Calls, int Failures) ThisMinute
    {
        get { lock (_gate) return (_calls, _failures); }
    }

    /// <summary>Whether a pick may choose the deployment now: closed, or half-open with its trial not yet out. No lock.</summary>
    public bool IsAvailable(DateTimeOffset now)
    {
        var until = Volatile.Read(ref _openUntilTicks);
        if (until == 0) return true;
        return now.UtcTicks >= until && Volatile.Read(ref _trialTaken) == 0;
    }

    /// <summary>A call is about to go out; false when the deployment is out (or another call took the half-open trial meanwhile).</summary>
    public bool TryEnter(DateTimeOffset now)
    {
        var until = Volatile.Read(ref _openUntilTicks);
        if (until == 0) return true;
        if (now.UtcTicks < until) return false;
        return Interlocked.CompareExchange(ref _trialTaken, 1, 0) == 0;
    }

    public void Succeeded(DateTimeOffset now)
    {
        if (_settings is null) return;
        lock (_gate)
        {
            Roll(now);
            _calls++;
            // A call that went out before the cooldown began (here or on another instance) and answered during it says
            // nothing about the trial: only an answer once the cooldown is over closes the breaker.
            if (_openUntilTicks != 0 && now.UtcTicks >= _openUntilTicks)
            {
                // The half-open trial answered: back in rotation with a clean minute.
                _openUntilTicks = 0;
                _trialTaken = 0;
                _calls = _failures = 0;
                Array.Clear(_classFailures);
            }
        }
    }

    /// <summary>The call was abandoned (the client left) before the deployment answered: a half-open trial is given back.</summary>
    public void Abandoned()
    {
        if (_settings is null) return;
        Interlocked.Exchange(ref _trialTaken, 0);
    }

    /// <returns>The end of a cooldown this failure started, to be shared with other instances; null when it stays closed.</returns>
    public DateTimeOffset? Failed(GatewayException e, DateTimeOffset now)
    {
        if (_settings is not { } s) return null;
        var c = e.Failure;
        lock (_gate)
        {
            Roll(now);
            _calls++;
            // Out already: a straggler's failure neither extends the cooldown nor counts as the trial.
            if (_openUntilTicks != 0 && now.UtcTicks < _openUntilTicks) return null;
            var halfOpenTrial = _openUntilTicks != 0;
            var immediate = e.Status is 401 or 403 or 404;
            if (!Counts(s, c) && !halfOpenTrial && !immediate) return null;
            _failures++;
            var classFailures = ++_classFailures[(int)c];
            var trip = halfOpenTrial || immediate
                || (s.AllowedFailsPerClass.TryGetValue(c, out var allowed) ? classFailures > allowed : _failures > s.AllowedFails)
                || (_calls >= MinCallsForRate && _failures * 2 > _calls);
            if (!trip) return null;
            _trips[e.Status] = _trips.GetValueOrDefault(e.Status) + 1;
            var until = now + s.CooldownTime;
            _openUntilTicks = until.UtcTicks;
            _trialTaken = 0;
            return until;
        }
    }

    /// <summary>How often this instance took the deployment out, by the upstream status that did it (for <c>/metrics</c>).</summary>
    public (int Status, long Count)[] TripsByStatus()
    {
        lock (_gate) return _trips.Select(t => (t.Key, t.Value)).ToArray();
    }

    /// <summary>LiteLLM's <c>litellm_deployment_state</c>: 0 healthy, 1 failures this minute, 2 out (cooling down).</summary>
    public int State(DateTimeOffset now)
    {
        if (Volatile.Read(ref _openUntilTicks) is var until and > 0 && now.UtcTicks < until) return 2;
        lock (_gate) return _minute == now.UtcTicks / TimeSpan.TicksPerMinute && _failures > 0 ? 1 : 0;
    }

    /// <summary>Another instance tripped this deployment until <paramref name="until"/>: take it out here too, unless already out longer.</summary>
    public void OpenFromShared(DateTimeOffset until, DateTimeOffset now)
    {
        if (_settings is null || until <= now) return;
        lock (_gate)
        {
            if (_openUntilTicks >= until.UtcTicks) return;
            _openUntilTicks = until.UtcTicks;
            _trialTaken = 0;
        }
    }

    private static bool Counts(CooldownSettings s, FailureClass c) => c switch
    {
        FailureClass.ContextWindow => false,
        FailureClass.CallerFault or FailureClass.ContentPolicy => s.AllowedFailsPerClass.ContainsKey(c),
        _ => true,
    };

    private void Roll(DateTimeOffset now)
    {
        var minute = now.UtcTicks / TimeSpan.TicksPerMinute;
        if (minute == _minute) return;
        _minute = minute;
        _calls = _failures = 0;
        Array.Clear(_classFailures);
    }
}
