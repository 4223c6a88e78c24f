using Gateway.Keys;

namespace Gateway.Tests.Support;

/// <summary>A real governance store with a count of key reads in front of it, to see how often a cache reaches the store.</summary>
public sealed class CountingStore(IGovernanceStore inner) : IGovernanceStore
{
    private int _keyReads;
    public int KeyReads => Volatile.Read(ref _keyReads);

    public Task InitializeAsync(CancellationToken ct = default) => inner.InitializeAsync(ct);

    public Task<KeyRecord?> GetKeyAsync(string hash, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _keyReads);
        return inner.GetKeyAsync(hash, ct);
    }

    public Task<bool> CreateKeyAsync(KeyRecord key, CancellationToken ct = default) => inner.CreateKeyAsync(key, ct);
    public Task<bool> UpdateKeyAsync(KeyRecord key, CancellationToken ct = default) => inner.UpdateKeyAsync(key, ct);
    public Task<bool> DeleteKeyAsync(string hash, CancellationToken ct = default) => inner.DeleteKeyAsync(hash, ct);
    public Task<KeyReplaceOutcome> ReplaceKeyAsync(string oldHash, KeyRecord replacement, CancellationToken ct = default) => inner.ReplaceKeyAsync(oldHash, replacement, ct);
    public Task<KeyRecord?> FindKeyByAliasAsync(string alias, CancellationToken ct = default) => inner.FindKeyByAliasAsync(alias, ct);
    public Task<KeyPage> ListKeysAsync(int page, int size, string? teamId, string? userId, CancellationToken ct = default) => inner.ListKeysAsync(page, size, teamId, userId, ct);
    public Task<TeamRecord?> GetTeamAsync(string teamId, CancellationToken ct = default) => inner.GetTeamAsync(teamId, ct);
    public Task<bool> PutTeamAsync(TeamRecord team, bool create, CancellationToken ct = default) => inner.PutTeamAsync(team, create, ct);
    public Task<bool> DeleteTeamAsync(string teamId, CancellationToken ct = default) => inner.DeleteTeamAsync(teamId, ct);
    public Task<UserRecord?> GetUserAsync(string userId, CancellationToken ct = default) => inner.GetUserAsync(userId, ct);
    public Task<bool> PutUserAsync(UserRecord user, bool create, CancellationToken ct = default) => inner.PutUserAsync(user, create, ct);
    public Task<IReadOnlyList<TeamRecord>> ListTeamsAsync(CancellationToken ct = default) => inner.ListTeamsAsync(ct);
    public Task<bool> DeleteUserAsync(string userId, CancellationToken ct = default) => inner.DeleteUserAsync(userId, ct);
    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct = default) => inner.ListUsersAsync(ct);
    public Task<EndUserRecord?> GetEndUserAsync(string userId, CancellationToken ct = default) => inner.GetEndUserAsync(userId, ct);
    public Task<bool> PutEndUserAsync(EndUserRecord endUser, bool create, CancellationToken ct = default) => inner.PutEndUserAsync(endUser, create, ct);
    public Task<bool> DeleteEndUserAsync(string userId, CancellationToken ct = default) => inner.DeleteEndUserAsync(userId, ct);
    public Task<IReadOnlyList<EndUserRecord>> ListEndUsersAsync(CancellationToken ct = default) => inner.ListEndUsersAsync(ct);
    public Task<AdmitResult> AdmitAsync(AdmitRequest request, CancellationToken ct = default) => inner.AdmitAsync(request, ct);
    public Task<IReadOnlyList<SubjectUsage>> SettleAsync(SettleRequest request, CancellationToken ct = default) => inner.SettleAsync(request, ct);
    public Task<int> SweepAsync(DateTimeOffset now, CancellationToken ct = default) => inner.SweepAsync(now, ct);
    public Task<SubjectUsage> GetUsageAsync(string subject, SubjectLimits limits, DateTimeOffset now, CancellationToken ct = default) => inner.GetUsageAsync(subject, limits, now, ct);
}
