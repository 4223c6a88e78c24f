using Microsoft.AspNetCore.Http;

namespace Gateway.Auth;

/// <summary>Decides who is calling. Throws a 401 <see cref="Http.GatewayException"/> for a missing or wrong key.</summary>
public interface IRequestAuthenticator
{
    ValueTask<CallerIdentity> AuthenticateAsync(HttpContext context);
}
