using System.Collections.Concurrent;
using Gateway.Auth;
using Gateway.Http;

namespace Gateway.Keys;

/// <summary>
/// Resolves a presented key to its grant through a short in-memory cache. Changes made through this instance's
/// management API invalidate it at once; other instances see them when their entry expires (<see cref="Ttl"/>, ≤ 5 s).
/// Unknown keys are remembered for the same TTL in a bounded <see cref="UnknownKeyCache"/>, so a flood of bad keys costs
/// one store read per key and window; a key created through this instance works at once, one created on another
/// instance within the TTL if it was tried here just before.
/// </summary>
public sealed class KeyCache(IGovernanceStore store, TimeProvider time, TimeSpan ttl) : IVirtualKeyResolver
{
    public const double DefaultTtlSeconds = 5;
    private readonly ConcurrentDictionary<string, (KeyGrant Grant, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);
    private readonly UnknownKeyCache _unknown = new(time, ttl);

    public TimeSpan Ttl => ttl;

    public async ValueTask<CallerIdentity> ResolveAsync(string presentedKey, CancellationToken ct)
    {
        var hash = KeySecrets.Hash(presentedKey);
        var grant = await GetAsync(hash, ct) ?? throw Errors.Unauthorized("Incorrect API key provided.");
        var key = grant.Key;
        if (key.Expires is { } expires && expires <= time.GetUtcNow())
            throw Errors.Unauthorized($"This key expired at {expires:u}.");
        if (key.Blocked) throw Errors.Unauthorized("This key is blocked.");
        if (grant.Team is { Blocked: true }) throw Errors.Unauthorized($"This key's team '{grant.Team.TeamId}' is blocked.");
        return new CallerIdentity(CallerKind.VirtualKey, hash) { Grant = grant };
    }

    public async ValueTask<KeyGrant?> GetAsync(string hash, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(hash, out var e) && e.Until > now) return e.Grant;
        if (_unknown.IsKnownUnknown(hash)) return null;
        var key = await store.GetKeyAsync(hash, ct);
        if (key is null)
        {
            _entries.TryRemove(hash, out _);
            _unknown.Add(hash);
            return null;
        }
        var team = key.TeamId is { } t ? await store.GetTeamAsync(t, ct) : null;
        var user = key.UserId is { } u ? await store.GetUserAsync(u, ct) : null;
        var grant = new KeyGrant(key, team, user);
        _entries[hash] = (grant, now + ttl);
        return grant;
    }

    /// <summary>The key changed, was created or deleted here: forget what is known of it, either way.</summary>
    public void Invalidate(string hash)
    {
        _entries.TryRemove(hash, out _);
        _unknown.Remove(hash);
    }

    /// <summary>A team or user changed: drop everything (teams and users are few and change rarely).</summary>
    public void InvalidateAll() => _entries.Clear();
}
