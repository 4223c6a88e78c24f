using System.Text.Json;
using Gateway.Http;
using Gateway.Streaming;

namespace Gateway.Providers;

/// <summary>
/// The SSE events of an upstream stream: each read restarts the idle timer and turns transport failures into the
/// client-facing error; each event's JSON parses with a protocol error for garbage. Shared by every SSE provider.
/// </summary>
public sealed class UpstreamSse(UpstreamStream upstream) : IAsyncDisposable
{
    private readonly SseReader _reader = new(upstream.Body);

    public UpstreamStream Upstream => upstream;
    public ReadOnlyMemory<byte> Data => _reader.Data;
    public ReadOnlySpan<byte> EventName => _reader.EventName;

    /// <summary>Advances to the next event; false when the upstream closed the stream.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken clientToken)
    {
        try
        {
            return await _reader.ReadEventAsync(upstream.NextReadToken());
        }
        catch (Exception e) when (e is not GatewayException)
        {
            throw upstream.MapReadFailure(e, clientToken);
        }
    }

    /// <summary>The current event's data as JSON; a 502 naming the deployment when it is not JSON.</summary>
    public JsonDocument ParseData()
    {
        try
        {
            return JsonDocument.Parse(_reader.Data);
        }
        catch (JsonException e)
        {
            throw Errors.UpstreamProtocol(upstream.Deployment.Label, "bad stream event: " + e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await upstream.DisposeAsync();
    }
}
