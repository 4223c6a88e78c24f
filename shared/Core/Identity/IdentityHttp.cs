using System.Net;
using Azure.Core;

namespace Gateway.Identity;

/// <summary>Sends one token request and reads its answer; a refusal says what the endpoint said, never what was sent.</summary>
internal static class IdentityHttp
{
    public static async ValueTask<AccessToken> SendAsync(IdentityEnvironment env, HttpRequestMessage request, string source, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await env.Http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new IdentityException($"{source}: the token endpoint {request.RequestUri!.GetLeftPart(UriPartial.Path)} could not be reached: {e.Message}", e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new IdentityException($"{source}: the token endpoint refused with {(int)response.StatusCode}: {TokenResponse.Describe(body)}");
            return TokenResponse.Parse(body, env.Time, source);
        }
    }
}
