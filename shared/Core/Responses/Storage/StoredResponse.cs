using Gateway.Auth;

namespace Gateway.Responses.Storage;

/// <summary>
/// One kept response. Bridged: <see cref="Document"/> holds the response, its own input items and the whole conversation
/// up to it (for <c>previous_response_id</c>). Native: only who made it and on which deployment; the provider keeps the rest.
/// </summary>
public sealed record StoredResponse(string Id, string Owner, string? Team, string? Deployment, byte[] Document, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public bool IsNative => Deployment is not null;
}

/// <summary>Who may read or continue a kept response: the key that made it, or a key of the same team.</summary>
public readonly record struct ResponseOwner(string Owner, string? Team)
{
    public static ResponseOwner Of(CallerIdentity caller) => new(
        caller.KeyHash ?? (caller.Kind == CallerKind.MasterKey ? "master" : "anonymous"),
        caller.Grant?.Key.TeamId);

    public bool CanSee(StoredResponse r) => r.Owner == Owner || (Team is not null && r.Team == Team);
}

/// <summary>Where kept responses live: the gateway's store, so every instance sees them. Expired ones are never returned.</summary>
public interface IStoredResponses
{
    /// <summary>The largest document one entry can hold in this store (an entity or item has a size limit).</summary>
    int MaxDocumentBytes { get; }

    ValueTask PutAsync(StoredResponse response, CancellationToken ct);

    ValueTask<StoredResponse?> GetAsync(string id, DateTimeOffset now, CancellationToken ct);

    /// <summary>Removes it; false when there was none.</summary>
    ValueTask<bool> DeleteAsync(string id, CancellationToken ct);
}

/// <summary>How long responses are kept and how large one may be (the conversation up to it included).</summary>
public sealed record StoredResponseSettings(TimeSpan Ttl, int MaxBytes)
{
    public static readonly StoredResponseSettings Default = new(TimeSpan.FromDays(30), 1024 * 1024);
}
