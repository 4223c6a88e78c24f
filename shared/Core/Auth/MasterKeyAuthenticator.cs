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
                : virtualKeys.ResolveAsync(key, context.RequestAborted);
        return ValueTask.FromResult(CallerIdentity.Master);
    }
}
