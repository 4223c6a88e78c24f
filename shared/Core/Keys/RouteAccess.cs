using Gateway.Http;

namespace Gateway.Keys;

/// <summary>
/// A key's <c>allowed_routes</c>: when set, the only routes the key may call. An entry is a path (<c>/chat/completions</c>
/// also covers <c>/v1/chat/completions</c>), a path prefix ending in <c>*</c>, or a group: <c>llm_api_routes</c> (also
/// <c>openai_routes</c>: the model routes and model lists) or <c>info_routes</c> (a key's self-service reads). Checked at
/// authentication, so it holds on every route that takes a key.
/// </summary>
public static class RouteAccess
{
    private static readonly string[] LlmApiRoutes =
        ["/chat/completions", "/completions", "/embeddings", "/messages", "/messages/count_tokens", "/responses", "/models", "/models/*"];

    private static readonly string[] InfoRoutes = ["/key/info", "/key/health", "/user/info", "/team/info", "/model/info", "/models", "/models/*", "/spend/logs"];

    private static string[]? Group(string name) => name switch
    {
        "llm_api_routes" or "openai_routes" => LlmApiRoutes,
        "info_routes" => InfoRoutes,
        _ => null,
    };

    /// <summary>Refuses an entry that is neither a path nor a known group (it would silently match nothing).</summary>
    public static List<string> Validate(List<string> routes, string param)
    {
        foreach (var r in routes)
            if (!r.StartsWith('/') && Group(r) is null)
                throw Errors.InvalidField(param, $"'{r}' is neither a route path (starting with /) nor one of llm_api_routes, openai_routes, info_routes");
        return routes;
    }

    /// <summary>Throws 403 when the key has <c>allowed_routes</c> and <paramref name="path"/> is not among them.</summary>
    public static void Check(KeyRecord key, string? path)
    {
        if (key.AllowedRoutes is not { Count: > 0 } allowed) return;
        var route = Normalize(path ?? "/");
        foreach (var entry in allowed)
            if (Group(entry) is { } group ? group.Any(g => Matches(g, route)) : Matches(Normalize(entry), route)) return;
        throw new GatewayException(403, "permission_error", $"This key may not call {path}: it is limited to its allowed_routes.", "route_not_allowed");
    }

    private static bool Matches(string pattern, string route) => pattern.EndsWith('*')
        ? route.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)
        : route.Equals(pattern, StringComparison.OrdinalIgnoreCase);

    /// <summary>The OpenAI routes answer with and without <c>/v1</c>; compare without it, and without a trailing slash.</summary>
    private static string Normalize(string path)
    {
        var p = path.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase) ? path[3..] : path;
        return p.Length > 1 ? p.TrimEnd('/') : p;
    }
}
