namespace Gateway.Auth;

/// <summary>Who made a request. Virtual keys (a later step) add their own kinds and limits here.</summary>
public sealed record CallerIdentity(CallerKind Kind, string? KeyHash = null)
{
    public static readonly CallerIdentity Anonymous = new(CallerKind.Anonymous);
    public static readonly CallerIdentity Master = new(CallerKind.MasterKey);
}

public enum CallerKind
{
    /// <summary>No master key is configured: loopback-only local use.</summary>
    Anonymous,
    MasterKey,
}
