namespace Gateway.Auth;

/// <summary>Turns a presented key that is not the master key into a caller, or throws a 401.</summary>
public interface IVirtualKeyResolver
{
    ValueTask<CallerIdentity> ResolveAsync(string presentedKey, CancellationToken ct);
}
