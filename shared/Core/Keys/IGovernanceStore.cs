namespace Gateway.Keys;

/// <summary>
/// Keys, teams, users, and the counters and reservations that enforce their limits. Implementations: embedded SQLite,
/// Azure Table Storage, DynamoDB. <see cref="AdmitAsync"/> and <see cref="SettleAsync"/> decide exactly across every
/// instance sharing the store: SQLite in one transaction; Table Storage and DynamoDB with one conditional write per
/// limited subject (key, team, user, end user, key and model), taking back earlier subjects' reservations when a later one refuses.
/// </summary>
public interface IGovernanceStore
{
    Task InitializeAsync(CancellationToken ct = default);

    Task<KeyRecord?> GetKeyAsync(string hash, CancellationToken ct = default);
    /// <summary>Inserts a new key; false when a key with that hash or alias exists.</summary>
    Task<bool> CreateKeyAsync(KeyRecord key, CancellationToken ct = default);
    /// <summary>Replaces an existing key; false when it does not exist.</summary>
    Task<bool> UpdateKeyAsync(KeyRecord key, CancellationToken ct = default);
    Task<bool> DeleteKeyAsync(string hash, CancellationToken ct = default);
    /// <summary>
    /// Puts <paramref name="replacement"/> (a new hash, usually the old key's alias) in place of the key <paramref name="oldHash"/>.
    /// The old key keeps working unless the new one was stored; on any outcome but <see cref="KeyReplaceOutcome.Replaced"/>
    /// the old key is as it was and the new one does not exist.
    /// </summary>
    Task<KeyReplaceOutcome> ReplaceKeyAsync(string oldHash, KeyRecord replacement, CancellationToken ct = default);
    Task<KeyRecord?> FindKeyByAliasAsync(string alias, CancellationToken ct = default);
    /// <summary>Keys ordered by creation, page numbers from 1.</summary>
    Task<KeyPage> ListKeysAsync(int page, int size, string? teamId, string? userId, CancellationToken ct = default);

    Task<TeamRecord?> GetTeamAsync(string teamId, CancellationToken ct = default);
    /// <summary>Creates (<paramref name="create"/>) or replaces a team; false when that is not possible (exists / missing).</summary>
    Task<bool> PutTeamAsync(TeamRecord team, bool create, CancellationToken ct = default);
    Task<bool> DeleteTeamAsync(string teamId, CancellationToken ct = default);

    /// <summary>Every team, ordered by id (teams are few: listed whole).</summary>
    Task<IReadOnlyList<TeamRecord>> ListTeamsAsync(CancellationToken ct = default);

    Task<UserRecord?> GetUserAsync(string userId, CancellationToken ct = default);
    Task<bool> PutUserAsync(UserRecord user, bool create, CancellationToken ct = default);
    Task<bool> DeleteUserAsync(string userId, CancellationToken ct = default);
    /// <summary>Every user, ordered by id.</summary>
    Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct = default);

    Task<EndUserRecord?> GetEndUserAsync(string userId, CancellationToken ct = default);
    Task<bool> PutEndUserAsync(EndUserRecord endUser, bool create, CancellationToken ct = default);
    Task<bool> DeleteEndUserAsync(string userId, CancellationToken ct = default);
    /// <summary>Every end user with a record, ordered by id.</summary>
    Task<IReadOnlyList<EndUserRecord>> ListEndUsersAsync(CancellationToken ct = default);

    /// <summary>Checks every subject's limits and, only if all pass, counts the request and reserves its worst case.</summary>
    Task<AdmitResult> AdmitAsync(AdmitRequest request, CancellationToken ct = default);

    /// <summary>
    /// Replaces a reservation by the actual cost and tokens, and returns the subjects' counters after it. A reservation
    /// already swept is not released twice (its subjects then come back empty).
    /// </summary>
    Task<IReadOnlyList<SubjectUsage>> SettleAsync(SettleRequest request, CancellationToken ct = default);

    /// <summary>Releases reservations whose settle never came (a crashed instance). Returns how many.</summary>
    Task<int> SweepAsync(DateTimeOffset now, CancellationToken ct = default);

    /// <summary>A subject's counters as of <paramref name="now"/> (windows already rolled over read as empty).</summary>
    Task<SubjectUsage> GetUsageAsync(string subject, SubjectLimits limits, DateTimeOffset now, CancellationToken ct = default);
}

/// <summary>How a <see cref="IGovernanceStore.ReplaceKeyAsync"/> ended.</summary>
public enum KeyReplaceOutcome
{
    Replaced,
    /// <summary>No key with the old hash.</summary>
    NotFound,
    /// <summary>The new alias belongs to another key.</summary>
    AliasTaken,
    /// <summary>The new hash is already a key (the create failed).</summary>
    HashTaken,
    /// <summary>The old key could not be removed, so the new one was taken back: the old key still works.</summary>
    OldKeyKept,
}

public sealed record KeyPage(IReadOnlyList<KeyRecord> Keys, int TotalCount);

/// <summary>One subject's share of a call: its limits and what the call may cost it at worst.</summary>
public sealed record SubjectCharge(string Subject, SubjectLimits Limits);

public sealed record AdmitRequest(string ReservationId, IReadOnlyList<SubjectCharge> Subjects, long CostNanos, long Tokens, DateTimeOffset Now, DateTimeOffset ExpiresAt);

public enum LimitKind { None, Budget, Rpm, Tpm, Parallel }

/// <summary>The verdict, and for each subject what remains after this request.</summary>
public sealed record AdmitResult(LimitKind Refused, string? RefusedSubject, long RetryAfterSeconds, IReadOnlyList<SubjectUsage> Usage)
{
    public bool Admitted => Refused == LimitKind.None;
}

public sealed record SettleRequest(string ReservationId, IReadOnlyList<string> Subjects, long ActualCostNanos, long ActualTokens, DateTimeOffset Now)
{
    /// <summary>What was reserved per subject, so stores that keep reservations as rows need not read them back.</summary>
    public long ReservedCostNanos { get; init; }
    public long ReservedTokens { get; init; }

    public static SettleRequest For(AdmitRequest admitted, long actualCostNanos, long actualTokens, DateTimeOffset now) =>
        new(admitted.ReservationId, admitted.Subjects.Select(s => s.Subject).ToArray(), actualCostNanos, actualTokens, now)
        {
            ReservedCostNanos = admitted.CostNanos,
            ReservedTokens = admitted.Tokens,
        };
}

/// <summary>A subject's current window counters.</summary>
public sealed record SubjectUsage(string Subject, long SpendNanos, long ReservedNanos, long Requests, long TokensUsed, long TokensReserved, long InFlight)
{
    public decimal Spend => Money.FromNanos(SpendNanos);
}
