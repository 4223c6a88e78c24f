using Gateway.Config;
using Gateway.Http;

namespace Gateway.Providers;

/// <summary>
/// Sends one request to an upstream and turns transport trouble into client-facing errors: the deployment's timeout
/// into 504, refused or reset connections into 502, non-2xx answers via <see cref="UpstreamErrors"/>. The time spent
/// waiting is booked as upstream time, not gateway overhead.
/// </summary>
public sealed class UpstreamClient(HttpClient http)
{
    public HttpClient Http => http;

    /// <summary>Sends and reads the whole answer; returns the body of a 2xx answer.</summary>
    public async Task<byte[]> SendAsync(HttpRequestMessage request, DeploymentConfig deployment, GatewayRequestFeature timing, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(deployment.Timeout);
        timing.UpstreamStarted();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var body = await response.Content.ReadAsByteArrayAsync(cts.Token);
            if (!response.IsSuccessStatusCode) throw UpstreamErrors.FromResponse(response, body, deployment.Label);
            return body;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Errors.UpstreamTimeout(deployment.Label, deployment.Timeout);
        }
        catch (HttpRequestException e)
        {
            throw Errors.UpstreamUnreachable(deployment.Label, e.Message);
        }
        catch (IOException e)
        {
            throw Errors.UpstreamUnreachable(deployment.Label, e.Message);
        }
        finally
        {
            timing.UpstreamEnded();
        }
    }

    /// <summary>
    /// Sends and returns once a 2xx answer's headers are in, leaving the body to be streamed. The returned
    /// <see cref="UpstreamStream"/> owns the response and a timer that cancels the call if the upstream goes quiet
    /// for longer than the deployment's timeout.
    /// </summary>
    public async Task<UpstreamStream> OpenStreamAsync(HttpRequestMessage request, DeploymentConfig deployment, GatewayRequestFeature timing, CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(deployment.Timeout);
        HttpResponseMessage? response = null;
        timing.UpstreamStarted();
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsByteArrayAsync(cts.Token);
                throw UpstreamErrors.FromResponse(response, body, deployment.Label);
            }
            var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            return new UpstreamStream(response, stream, cts, deployment);
        }
        catch (Exception e)
        {
            response?.Dispose();
            cts.Dispose();
            if (e is OperationCanceledException && !ct.IsCancellationRequested) throw Errors.UpstreamTimeout(deployment.Label, deployment.Timeout);
            if (e is HttpRequestException or IOException) throw Errors.UpstreamUnreachable(deployment.Label, e.Message);
            throw;
        }
        finally
        {
            timing.UpstreamEnded();
        }
    }
}

/// <summary>An open upstream response body with its idle timeout. Disposing aborts the upstream call.</summary>
public sealed class UpstreamStream(HttpResponseMessage response, Stream body, CancellationTokenSource cts, DeploymentConfig deployment) : IAsyncDisposable
{
    public Stream Body => body;
    public DeploymentConfig Deployment => deployment;
    public HttpResponseMessage Response => response;

    private readonly TimeSpan _idle = deployment.StreamTimeout ?? deployment.Timeout;

    /// <summary>The token for the next read; restarts the idle timer (<c>stream_timeout</c>, else <c>timeout</c>).</summary>
    public CancellationToken NextReadToken()
    {
        cts.CancelAfter(_idle);
        return cts.Token;
    }

    /// <summary>Maps a failed read to the error the client sees; rethrows client cancellation as is.</summary>
    public Exception MapReadFailure(Exception e, CancellationToken clientToken) => e switch
    {
        OperationCanceledException when !clientToken.IsCancellationRequested => Errors.UpstreamTimeout(deployment.Label, _idle),
        HttpRequestException or IOException => Errors.UpstreamUnreachable(deployment.Label, "the stream broke off: " + e.Message),
        _ => e,
    };

    public async ValueTask DisposeAsync()
    {
        await cts.CancelAsync();
        await body.DisposeAsync();
        response.Dispose();
        cts.Dispose();
    }
}
