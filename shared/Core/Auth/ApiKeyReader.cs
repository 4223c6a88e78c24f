using Microsoft.AspNetCore.Http;

namespace Gateway.Auth;

/// <summary>Finds the caller's key in the headers SDKs use: <c>Authorization: Bearer</c>, <c>api-key</c> (Azure), <c>x-api-key</c> (Anthropic).</summary>
public static class ApiKeyReader
{
    public static string? Read(HttpRequest request)
    {
        var headers = request.Headers;
        var auth = headers.Authorization.ToString();
        if (auth.Length > 0)
        {
            const string bearer = "Bearer ";
            return auth.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? auth[bearer.Length..].Trim() : auth.Trim();
        }
        if (headers.TryGetValue("api-key", out var apiKey) && apiKey.Count > 0) return apiKey.ToString().Trim();
        if (headers.TryGetValue("x-api-key", out var xApiKey) && xApiKey.Count > 0) return xApiKey.ToString().Trim();
        if (headers.TryGetValue("x-litellm-api-key", out var litellm) && litellm.Count > 0) return litellm.ToString().Trim();
        return null;
    }
}
