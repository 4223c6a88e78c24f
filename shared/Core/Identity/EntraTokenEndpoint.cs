using System.Net.Http.Headers;
using Azure.Core;

namespace Gateway.Identity;

/// <summary>
/// A service principal's token from Entra's v2 token endpoint (client credentials grant), proved either by a client
/// secret or, for workload identity, by the federated token file the platform mounts (re-read on every request: the
/// platform rotates it).
/// </summary>
internal sealed class EntraTokenEndpoint : ITokenSource
{
    private const string DefaultAuthority = "https://login.microsoftonline.com/";
    private const string JwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private readonly IdentityEnvironment _env;
    private readonly Uri _tokenUrl;
    private readonly string _clientId;
    private readonly string? _secret;
    private readonly string? _assertionFile;

    private EntraTokenEndpoint(IdentityEnvironment env, string name, string tenant, string clientId, string? secret, string? assertionFile)
    {
        _env = env;
        Name = name;
        _clientId = clientId;
        _secret = secret;
        _assertionFile = assertionFile;
        if (!IsTenant(tenant)) throw new IdentityException($"AZURE_TENANT_ID '{tenant}' is not a tenant id or domain.");
        var authority = IdentityEnvironment.RequireSecure(env["AZURE_AUTHORITY_HOST"] ?? DefaultAuthority, "AZURE_AUTHORITY_HOST");
        _tokenUrl = new Uri(authority, $"{tenant}/oauth2/v2.0/token");
    }

    public string Name { get; }

    public static EntraTokenEndpoint? ForClientSecret(IdentityEnvironment env) =>
        env["AZURE_TENANT_ID"] is { } tenant && env["AZURE_CLIENT_ID"] is { } client && env["AZURE_CLIENT_SECRET"] is { } secret
            ? new EntraTokenEndpoint(env, "client secret (AZURE_CLIENT_SECRET)", tenant, client, secret, null)
            : null;

    public static EntraTokenEndpoint? ForWorkloadIdentity(IdentityEnvironment env) =>
        env["AZURE_TENANT_ID"] is { } tenant && env["AZURE_CLIENT_ID"] is { } client && env["AZURE_FEDERATED_TOKEN_FILE"] is { } file
            ? new EntraTokenEndpoint(env, "workload identity (AZURE_FEDERATED_TOKEN_FILE)", tenant, client, null, file)
            : null;

    public async ValueTask<AccessToken?> TryGetTokenAsync(string scope, CancellationToken ct)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "client_credentials"),
            new("client_id", _clientId),
            new("scope", scope),
        };
        if (_secret is not null) form.Add(new("client_secret", _secret));
        else
        {
            string assertion;
            try { assertion = (await File.ReadAllTextAsync(_assertionFile!, ct)).Trim(); }
            catch (IOException e) { throw new IdentityException($"The federated token file AZURE_FEDERATED_TOKEN_FILE could not be read: {e.Message}", e); }
            form.Add(new("client_assertion_type", JwtBearer));
            form.Add(new("client_assertion", assertion));
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, _tokenUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await IdentityHttp.SendAsync(_env, request, Name, ct);
    }

    private static bool IsTenant(string tenant) =>
        tenant.Length is > 0 and <= 256 && tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
