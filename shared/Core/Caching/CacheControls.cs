using System.Text.Json;
using Gateway.Auth;
using Gateway.Http;

namespace Gateway.Caching;

/// <summary>
/// A request's <c>cache</c> object (LiteLLM's dynamic cache controls): <c>no-cache</c> (do not answer from the cache),
/// <c>no-store</c> (do not keep this answer), <c>ttl</c> (keep it this many seconds), <c>s-maxage</c> (accept only an
/// answer at most this many seconds old), <c>namespace</c> and <c>use-cache</c> (opt in or out). Anything else in the
/// object, or a value of the wrong type, is a 400: a misspelt control must not silently do nothing.
/// </summary>
public sealed record CacheControls
{
    public const string NoCacheName = "no-cache";
    public const string NoStoreName = "no-store";
    public const string TtlName = "ttl";
    public const string MaxAgeName = "s-maxage";
    public const string NamespaceName = "namespace";
    public const string UseCacheName = "use-cache";

    /// <summary>The most a request may ask to keep an answer: 30 days.</summary>
    public const int MaxTtlSeconds = 30 * 24 * 3600;
    public const int MaxNamespaceLength = 128;

    public static readonly string[] Names = [NoCacheName, NoStoreName, TtlName, MaxAgeName, NamespaceName, UseCacheName];

    public static readonly CacheControls None = new();

    public bool NoCache { get; init; }
    public bool NoStore { get; init; }
    public TimeSpan? Ttl { get; init; }
    public TimeSpan? MaxAge { get; init; }
    public string? Namespace { get; init; }
    public bool? UseCache { get; init; }

    /// <summary>The controls the request set, by their canonical names (for <c>allowed_cache_controls</c>).</summary>
    public IReadOnlyList<string> Used { get; init; } = [];

    /// <summary>Reads <c>cache</c> from a request body; a missing or null object is <see cref="None"/>.</summary>
    public static CacheControls Read(JsonElement root)
    {
        if (!root.TryGetProperty("cache", out var cache) || cache.ValueKind == JsonValueKind.Null) return None;
        if (cache.ValueKind != JsonValueKind.Object) throw Errors.InvalidField("cache", "expected an object of cache controls");
        var controls = new CacheControls();
        var used = new List<string>();
        foreach (var p in cache.EnumerateObject())
        {
            var name = p.Name == "s-max-age" ? MaxAgeName : p.Name;
            var param = "cache." + p.Name;
            if (used.Contains(name)) throw Errors.InvalidField(param, "given twice");
            used.Add(name);
            controls = name switch
            {
                NoCacheName => controls with { NoCache = Bool(p.Value, param) },
                NoStoreName => controls with { NoStore = Bool(p.Value, param) },
                UseCacheName => controls with { UseCache = Bool(p.Value, param) },
                TtlName => controls with { Ttl = Seconds(p.Value, param, min: 1) },
                MaxAgeName => controls with { MaxAge = Seconds(p.Value, param, min: 0) },
                NamespaceName => controls with { Namespace = ReadNamespace(p.Value, param) },
                _ => throw Errors.InvalidField(param, $"'{p.Name}' is not a cache control; use {string.Join(", ", Names)}"),
            };
        }
        return controls with { Used = used };
    }

    /// <summary>
    /// Refuses (403) a control the caller's key or team does not allow. Keys and teams without <c>allowed_cache_controls</c>
    /// may send every control; an empty list allows none.
    /// </summary>
    public void CheckAllowed(CallerIdentity caller)
    {
        if (Used.Count == 0 || caller.Grant is not { } grant) return;
        foreach (var name in Used)
        {
            if (grant.Key.AllowedCacheControls is { } k && !k.Contains(name)) throw NotAllowed(name, "key");
            if (grant.Team?.AllowedCacheControls is { } t && !t.Contains(name)) throw NotAllowed(name, "team");
        }
    }

    /// <summary>Checks the names given in a key's or team's <c>allowed_cache_controls</c>.</summary>
    public static List<string>? ValidateNames(List<string>? names)
    {
        if (names is null) return null;
        foreach (var n in names)
            if (!Names.Contains(n)) throw Errors.InvalidField("allowed_cache_controls", $"'{n}' is not a cache control; use {string.Join(", ", Names)}");
        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    private static GatewayException NotAllowed(string name, string who) =>
        new(403, "permission_error", $"This {who} may not set the cache control '{name}'.", "cache_control_not_allowed", "cache." + name);

    private static bool Bool(JsonElement v, string param) =>
        v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Errors.InvalidField(param, "expected true or false") };

    private static TimeSpan Seconds(JsonElement v, string param, int min)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var s) || double.IsNaN(s) || s < min || s > MaxTtlSeconds)
            throw Errors.InvalidField(param, $"expected a number of seconds from {min} to {MaxTtlSeconds}");
        return TimeSpan.FromSeconds(s);
    }

    private static string ReadNamespace(JsonElement v, string param)
    {
        if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 and <= MaxNamespaceLength } s)
            throw Errors.InvalidField(param, $"expected a string of 1 to {MaxNamespaceLength} characters");
        return s;
    }
}
