namespace Gateway.Auth;

/// <summary>Who made a request: the master key, a virtual key (with its grant: key, team, user and their limits), or nobody when auth is off.</summary>
public sealed record CallerIdentity(CallerKind Kind, string? KeyHash = null)
{
    public static readonly CallerIdentity Anonymous = new(CallerKind.Anonymous);
    public static readonly CallerIdentity Master = new(CallerKind.MasterKey);

    /// <summary>For a virtual key: the key with its team and user, whose limits the call is checked against.</summary>
    public Keys.KeyGrant? Grant { get; init; }
}

public enum CallerKind
{
    /// <summary>No master key is configured: loopback-only local use.</summary>
    Anonymous,
    MasterKey,
    /// <summary>A key made with <c>/key/generate</c>: limited by its own, its team's and its user's limits.</summary>
    VirtualKey,
}
