using Azure.Core;

namespace Gateway.Identity;

/// <summary>
/// The app's Entra identity for Table Storage, Event Hubs and Azure OpenAI, from the first source the environment
/// configures, in <c>DefaultAzureCredential</c>'s order: a service principal's secret (<c>AZURE_TENANT_ID</c>,
/// <c>AZURE_CLIENT_ID</c>, <c>AZURE_CLIENT_SECRET</c>), workload identity (<c>AZURE_FEDERATED_TOKEN_FILE</c>), the
/// managed identity (the Functions/App Service identity endpoint, else the VM's IMDS), then the Azure CLI's login for
/// local development. Our own small client in place of Azure.Identity, whose MSAL dependency brought XML, the regex
/// engine and expression trees into the binary: a third of its cold start was hydrating types it never used.
/// </summary>
public sealed class AppIdentityCredential : TokenCredential
{
    private readonly IReadOnlyList<ITokenSource> _sources;

    public AppIdentityCredential() : this(IdentityEnvironment.Process) { }

    public AppIdentityCredential(IdentityEnvironment env) => _sources = Sources(env);

    /// <summary>The sources this environment configures, in the order they are tried.</summary>
    public IReadOnlyList<string> SourceNames => _sources.Select(s => s.Name).ToArray();

    private static ITokenSource[] Sources(IdentityEnvironment env)
    {
        var list = new List<ITokenSource>();
        if (EntraTokenEndpoint.ForClientSecret(env) is { } secret) list.Add(secret);
        if (EntraTokenEndpoint.ForWorkloadIdentity(env) is { } workload) list.Add(workload);
        list.Add(ManagedIdentityEndpoint.For(env));
        list.Add(new AzureCliToken(env));
        return list.ToArray();
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var scope = requestContext.Scopes.Length == 1
            ? requestContext.Scopes[0]
            : throw new IdentityException("The app identity asks for one scope at a time.");
        var unavailable = new List<string>();
        foreach (var source in _sources)
        {
            // A source that is configured but fails stops the chain, as DefaultAzureCredential does: falling through to
            // another identity would hide a broken configuration behind different permissions.
            if (await source.TryGetTokenAsync(scope, cancellationToken) is { } token) return token;
            unavailable.Add(source.Name);
        }
        throw new IdentityException(
            $"No identity is available for {scope} (tried: {string.Join(", ", unavailable)}). In Azure, give the app a managed identity; " +
            "locally, run 'az login', or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.");
    }
}

/// <summary>One way to get a token. Null when this environment does not offer it; throws when it does and it fails.</summary>
internal interface ITokenSource
{
    string Name { get; }
    ValueTask<AccessToken?> TryGetTokenAsync(string scope, CancellationToken ct);
}

/// <summary>A token could not be had from a source that is configured. The message never holds a secret or a token.</summary>
public sealed class IdentityException(string message, Exception? inner = null) : Exception(message, inner);
