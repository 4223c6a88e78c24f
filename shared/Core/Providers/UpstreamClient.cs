using Gateway.Config;
using Gateway.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Providers;

/// <summary>
/// Sends one request to an upstream and turns transport trouble into client-facing errors: the deployment's timeout
/// into 504, refused or reset connections into 502, non-2xx answers via <see cref="UpstreamErrors"/>. Whole answers are
/// read up to <c>general_settings.max_response_size_mb</c>, error bodies up to a few KiB. A client error names the
/// deployment and the kind of failure, never the upstream's host or URL; the full detail goes to the log. The time
/// spent waiting is booked as upstream time, not gateway overhead.
/// </summary>
public sealed partial class UpstreamClient(HttpClient http, long maxResponseBytes, ILogger<UpstreamClient> log)
{
    public const long DefaultMaxResponseBytes = 32L * 1024 * 1024;

    public HttpClient Http => http;

    /// <summary>The most bytes a non-streamed upstream answer may have.</summary>
    public long MaxResponseBytes => maxResponseBytes;

    /// <summary>Sends and reads the whole answer; returns the body of a 2xx answer.</summary>
    public async Task<byte[]> SendAsync(HttpRequestMessage request, DeploymentConfig deployment, GatewayRequestFeature timing, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(deployment.Timeout);
        timing.UpstreamStarted();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, deployment, cts.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            return await CappedBody.ReadAsync(stream, response.Content.Headers.ContentLength, maxResponseBytes, cts.Token)
                ?? throw TooLarge(deployment);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Errors.UpstreamTimeout(deployment.Label, deployment.Timeout);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw Unreachable(deployment, e, midStream: false);
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
            if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, deployment, cts.Token);
            var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            return new UpstreamStream(response, stream, cts, deployment, this);
        }
        catch (Exception e)
        {
            response?.Dispose();
            cts.Dispose();
            if (e is OperationCanceledException && !ct.IsCancellationRequested) throw Errors.UpstreamTimeout(deployment.Label, deployment.Timeout);
            if (e is HttpRequestException or IOException) throw Unreachable(deployment, e, midStream: false);
            throw;
        }
        finally
        {
            timing.UpstreamEnded();
        }
    }

    /// <summary>A non-2xx answer: only the first few KiB are read, which hold any provider's error JSON.</summary>
    private static async Task<GatewayException> ErrorAsync(HttpResponseMessage response, DeploymentConfig deployment, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var body = await CappedBody.ReadPrefixAsync(stream, UpstreamErrors.MaxErrorBodyBytes, ct);
        return UpstreamErrors.FromResponse(response, body, deployment.Label);
    }

    /// <summary>Over the cap: the caller disposes the response unread, which aborts the upstream connection.</summary>
    internal GatewayException TooLarge(DeploymentConfig deployment)
    {
        LogTooLarge(log, deployment.Label, maxResponseBytes);
        return Errors.UpstreamResponseTooLarge(deployment.Label, maxResponseBytes);
    }

    /// <summary>The client hears the deployment and the kind of failure; the log gets HttpClient's detail (host and port).</summary>
    internal GatewayException Unreachable(DeploymentConfig deployment, Exception e, bool midStream)
    {
        var kind = TransportFailure.Describe(e, midStream);
        LogTransportFailure(log, e, deployment.Label, kind, e.Message);
        return Errors.UpstreamUnreachable(deployment.Label, kind);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream call for {Deployment} failed: {Kind} ({Detail})")]
    private static partial void LogTransportFailure(ILogger log, Exception e, string deployment, string kind, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream answer for {Deployment} exceeded general_settings.max_response_size_mb ({Limit} bytes); the call was aborted")]
    private static partial void LogTooLarge(ILogger log, string deployment, long limit);
}

/// <summary>An open upstream response body with its idle timeout. Disposing aborts the upstream call.</summary>
public sealed class UpstreamStream(HttpResponseMessage response, Stream body, CancellationTokenSource cts, DeploymentConfig deployment, UpstreamClient client)
    : IAsyncDisposable
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

    /// <summary>Reads the rest of the body as one answer, under the same cap as <see cref="UpstreamClient.SendAsync"/>.</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken clientToken)
    {
        try
        {
            return await CappedBody.ReadAsync(body, response.Content.Headers.ContentLength, client.MaxResponseBytes, NextReadToken())
                ?? throw client.TooLarge(deployment);
        }
        catch (Exception e) when (e is not GatewayException)
        {
            throw MapReadFailure(e, clientToken);
        }
    }

    /// <summary>Maps a failed read to the error the client sees; rethrows client cancellation as is.</summary>
    public Exception MapReadFailure(Exception e, CancellationToken clientToken) => e switch
    {
        OperationCanceledException when !clientToken.IsCancellationRequested => Errors.UpstreamTimeout(deployment.Label, _idle),
        HttpRequestException or IOException => client.Unreachable(deployment, e, midStream: true),
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
