using Azure.Core;

namespace Gateway.Identity;

/// <summary>
/// The managed identity's token: from the Functions / App Service identity endpoint (<c>IDENTITY_ENDPOINT</c> with the
/// <c>IDENTITY_HEADER</c> secret), else from the VM instance metadata service (IMDS). A user-assigned identity is chosen
/// by <c>AZURE_CLIENT_ID</c>, as the tenant template sets it. Where no IMDS answers (a developer machine), the source is
/// unavailable, remembered so that later calls do not wait for it again.
/// </summary>
internal sealed class ManagedIdentityEndpoint : ITokenSource
{
    private const string ImdsHost = "http://169.254.169.254/";
    private static readonly TimeSpan ImdsProbeTimeout = TimeSpan.FromSeconds(1);

    private readonly IdentityEnvironment _env;
    private readonly Uri _endpoint;
    private readonly string? _header;
    private readonly string? _clientId;
    private bool _imdsAbsent;

    private ManagedIdentityEndpoint(IdentityEnvironment env, string name, Uri endpoint, string? header)
    {
        _env = env;
        Name = name;
        _endpoint = endpoint;
        _header = header;
        _clientId = env["AZURE_CLIENT_ID"];
    }

    public string Name { get; }

    public static ManagedIdentityEndpoint For(IdentityEnvironment env)
    {
        if (env["IDENTITY_ENDPOINT"] is { } endpoint && env["IDENTITY_HEADER"] is { } header)
        {
            // The platform's own loopback endpoint; it is http by design.
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)) throw new IdentityException($"IDENTITY_ENDPOINT '{endpoint}' is not a URL.");
            return new ManagedIdentityEndpoint(env, "managed identity (IDENTITY_ENDPOINT)", uri, header);
        }
        var host = env["AZURE_POD_IDENTITY_AUTHORITY_HOST"] ?? ImdsHost;
        if (!Uri.TryCreate(host, UriKind.Absolute, out var imds)) throw new IdentityException($"AZURE_POD_IDENTITY_AUTHORITY_HOST '{host}' is not a URL.");
        return new ManagedIdentityEndpoint(env, "managed identity (IMDS)", new Uri(imds, "metadata/identity/oauth2/token"), null);
    }

    public async ValueTask<AccessToken?> TryGetTokenAsync(string scope, CancellationToken ct)
    {
        if (_imdsAbsent) return null;
        var query = _header is not null ? "api-version=2019-08-01" : "api-version=2018-02-01";
        query += "&resource=" + Uri.EscapeDataString(TokenResponse.Resource(scope));
        if (_clientId is not null) query += "&client_id=" + Uri.EscapeDataString(_clientId);
        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(_endpoint) { Query = query }.Uri);
        if (_header is not null)
        {
            request.Headers.Add("X-IDENTITY-HEADER", _header);
            return await IdentityHttp.SendAsync(_env, request, Name, ct);
        }

        request.Headers.Add("Metadata", "true");
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(ct);
        probe.CancelAfter(ImdsProbeTimeout);
        try
        {
            return await IdentityHttp.SendAsync(_env, request, Name, probe.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is OperationCanceledException || e is IdentityException { InnerException: HttpRequestException or OperationCanceledException })
        {
            _imdsAbsent = true;                                 // nothing listens here: not an Azure VM
            return null;
        }
    }
}
