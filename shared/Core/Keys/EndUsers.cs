using System.Collections.Concurrent;
using Gateway.Http;
using Gateway.Limits;

namespace Gateway.Keys;

/// <summary>
/// What binds the end user a request names (its <c>user</c>): the end user's record (read through a short cache, as
/// keys are), or <c>litellm_settings.max_end_user_budget</c> for end users without a budget of their own. A blocked end
/// user is refused. End users without a record and without a default budget are not counted.
/// </summary>
public sealed class EndUsers(IGovernanceStore store, TimeProvider time, TimeSpan ttl, decimal? defaultBudget)
{
    /// <summary>Longer ids cannot have a record; with a default budget they are refused rather than counted.</summary>
    public const int MaxIdLength = 256;
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, (EndUserRecord? Record, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    /// <summary>The end user's charge for a call, null when nothing limits or counts it; throws 403 for a blocked end user.</summary>
    public async ValueTask<EndUserCharge?> ChargeForAsync(string? id, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(id)) return null;
        if (id.Length > MaxIdLength)
            return defaultBudget is null ? null : throw Errors.InvalidField("user", $"end user ids are at most {MaxIdLength} characters");
        var record = await GetAsync(id, ct);
        if (record is { Blocked: true })
            throw new GatewayException(403, "permission_error", $"The end user '{id}' is blocked.", "end_user_blocked", "user");
        if (record is null) return defaultBudget is { } d ? new EndUserCharge(id, new SubjectLimits(MaxBudget: d)) : null;
        return new EndUserCharge(id, LimitsOf(record));
    }

    /// <summary>The limits that bind an end user's calls: its own, with the default budget when it has none.</summary>
    public SubjectLimits LimitsOf(EndUserRecord record) =>
        record.Limits.MaxBudget is null && defaultBudget is { } d ? record.Limits with { MaxBudget = d } : record.Limits;

    private async ValueTask<EndUserRecord?> GetAsync(string id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(id, out var e) && e.Until > now) return e.Record;
        var record = await store.GetEndUserAsync(id, ct);
        if (_entries.Count >= Capacity) _entries.Clear(); // bounded: callers choose the ids
        _entries[id] = (record, now + ttl);
        return record;
    }

    /// <summary>The end user changed here: the next call reads it again.</summary>
    public void Invalidate(string id) => _entries.TryRemove(id, out _);
}
