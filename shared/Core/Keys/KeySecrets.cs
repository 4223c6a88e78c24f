using System.Security.Cryptography;
using System.Text;

namespace Gateway.Keys;

/// <summary>Virtual key secrets: <c>sk-</c> + 32 random bytes as 64 hex characters, stored only as their SHA-256 hex.</summary>
public static class KeySecrets
{
    public static string NewKey() => "sk-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A non-secret label for listings: the prefix and the last four characters.</summary>
    public static string Abbreviate(string key) => key.Length <= 8 ? "sk-..." : "sk-..." + key[^4..];

    /// <summary>Accepts a key or an already-hashed token (LiteLLM's /key/info and /key/delete take either).</summary>
    public static string HashOrToken(string keyOrHash) =>
        keyOrHash.Length == 64 && keyOrHash.All(char.IsAsciiHexDigitLower) ? keyOrHash : Hash(keyOrHash);
}
