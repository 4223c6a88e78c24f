using System.Security.Cryptography;
using System.Text;
using Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Auth;

/// <summary>
/// Accepts the master key, compared in constant time over SHA-256 digests (so neither content nor length leaks
/// through timing). With no master key configured every caller is anonymous; start-up has already made sure the
/// gateway then listens on loopback only.
/// </summary>
public sealed class MasterKeyAuthenticator(string? masterKey, IVirtualKeyResolver? virtualKeys = null) : IRequestAuthenticator
{
    private readonly byte[]? _masterDigest = masterKey is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(masterKey));

    public bool Enabled => _masterDigest is not null;

    public ValueTask<CallerIdentity> AuthenticateAsync(HttpContext context)
    {
        if (_masterDigest is null) return ValueTask.FromResult(CallerIdentity.Anonymous);
        var key = ApiKeyReader.Read(context.Request);
        if (string.IsNullOrEmpty(key))
            throw Errors.Unauthorized("No API key provided. Send it as 'Authorization: Bearer <key>' (or the 'api-key' or 'x-api-key' header).");
        Span<byte> digest = stackalloc byte[32];
        var bytes = Encoding.UTF8.GetBytes(key);
        SHA256.HashData(bytes, digest);
        if (!CryptographicOperations.FixedTimeEquals(digest, _masterDigest))
            return virtualKeys is null
                ? throw Errors.Unauthorized("Incorrect API key provided.")
                : WithinAllowedRoutes(virtualKeys.ResolveAsync(key, context.RequestAborted), context.Request.Path.Value);
        return ValueTask.FromResult(CallerIdentity.Master);
    }

    /// <summary>A virtual key with <c>allowed_routes</c> reaches only those routes (checked here, so every route that authenticates holds it).</summary>
    private static ValueTask<CallerIdentity> WithinAllowedRoutes(ValueTask<CallerIdentity> resolving, string? path)
    {
        if (!resolving.IsCompletedSuccessfully) return Awaited(resolving, path);
        Check(resolving.Result, path);
        return resolving;

        static async ValueTask<CallerIdentity> Awaited(ValueTask<CallerIdentity> resolving, string? path)
        {
            var caller = await resolving;
            Check(caller, path);
            return caller;
        }

        static void Check(CallerIdentity caller, string? path)
        {
            if (caller.Grant is { } grant) Keys.RouteAccess.Check(grant.Key, path);
        }
    }
}
