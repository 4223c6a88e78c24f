using System.Reflection;
using System.Security.Cryptography;

namespace Gateway.AdminUi;

/// <summary>One file of the console bundle, held in memory with its strong ETag.</summary>
public sealed record ConsoleAsset(string Name, byte[] Content, string ContentType, string ETag)
{
    /// <summary>Bundle files carry a content hash in their name (<c>app-3KX2.js</c>), so a browser may keep them for good.</summary>
    public bool Immutable => Name != ConsoleAssets.IndexName;
}

/// <summary>
/// The console's built bundle, embedded in the gateway assembly (manifest resources: no file system, no reflection over
/// types, Native AOT safe). Read on first use, so a gateway nobody opens the console on never loads it.
/// </summary>
public sealed class ConsoleAssets
{
    public const string IndexName = "index.html";
    private const string Prefix = "console/";
    private readonly Lazy<IReadOnlyDictionary<string, ConsoleAsset>> _assets;

    public ConsoleAssets() : this(typeof(ConsoleAssets).Assembly) { }

    public ConsoleAssets(Assembly assembly) => _assets = new(() => Load(assembly));

    public ConsoleAsset? Find(string name) => _assets.Value.GetValueOrDefault(name);

    public IEnumerable<string> Names => _assets.Value.Keys;

    private static Dictionary<string, ConsoleAsset> Load(Assembly assembly)
    {
        var assets = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[Prefix.Length..].Replace('\\', '/');
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"";
            assets[name] = new ConsoleAsset(name, bytes, ContentType(name), etag);
        }
        return assets;
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}
