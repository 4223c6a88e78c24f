using Azure.Core;
using Gateway.Http;

namespace Gateway.Providers.Azure;

/// <summary>
/// Entra tokens for one audience (Azure OpenAI by default; Event Hubs for the spend sink) from the app's identity
/// (<see cref="Identity.AppIdentityCredential"/>: managed identity in Azure, developer credentials locally). One token is shared and
/// refreshed five minutes before it expires, so a request pays for a token fetch only on the first call and at refresh.
/// </summary>
public sealed class AzureTokenSource(Func<TokenCredential> credentialFactory, string scope = AzureTokenSource.CognitiveServicesScope)
{
    public const string CognitiveServicesScope = "https://cognitiveservices.azure.com/.default";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private TokenCredential? _credential;
    private AccessToken _token;

    public async ValueTask<string> GetTokenAsync(CancellationToken ct)
    {
        if (IsFresh(_token)) return _token.Token;
        await _refresh.WaitAsync(ct);
        try
        {
            if (IsFresh(_token)) return _token.Token;
            _credential ??= credentialFactory();
            _token = await _credential.GetTokenAsync(new TokenRequestContext([scope]), ct);
            return _token.Token;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new GatewayException(502, "authentication_error",
                $"The gateway could not get an Entra token for {scope} from its identity: " + e.Message +
                (scope == CognitiveServicesScope ? " Set api_key, or give the app a managed identity with the Cognitive Services OpenAI User role." : ""),
                "upstream_credentials");
        }
        finally
        {
            _refresh.Release();
        }
    }

    private static bool IsFresh(AccessToken token) =>
        token.Token is not null && token.ExpiresOn - RefreshMargin > DateTimeOffset.UtcNow;
}
