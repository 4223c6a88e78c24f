using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Gateway.Providers.Bedrock.Signing;

/// <summary>
/// Signs a request with SigV4 through AWSSDK.Core's public signer. The signer sees the exact URI that is sent (path
/// already percent-encoded) and canonicalises it the standard way for non-S3 services (each segment encoded once more),
/// which is what AWS recomputes on its side.
/// </summary>
public static class BedrockSigner
{

    public static async Task SignAsync(HttpRequestMessage request, byte[] body, AWSCredentials credentials, string region, string service, CancellationToken ct)
    {
        var signing = new AWSSigningRequest
        {
            HttpMethod = request.Method,
            RequestUri = request.RequestUri!,
            Content = body,
        };
        if (request.Content?.Headers.ContentType is { } type) signing.Headers["Content-Type"] = type.ToString();
        var result = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service,
            SignPayload = true,
        }, ct);
        foreach (var (name, value) in result.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) continue;
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
