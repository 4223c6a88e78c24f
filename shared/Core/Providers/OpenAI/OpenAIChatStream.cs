using Gateway.Chat;
using Gateway.Http;
using Gateway.Streaming;

namespace Gateway.Providers.OpenAI;

/// <summary>An OpenAI-format SSE stream from upstream: each <c>data:</c> payload is a chunk, until <c>[DONE]</c>.</summary>
internal sealed class OpenAIChatStream(UpstreamStream upstream) : ChatStream
{
    private readonly SseReader _reader = new(upstream.Body);
    private bool _done;

    public override ReadOnlyMemory<byte> Current => _reader.Data;

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (!_done)
        {
            bool got;
            try
            {
                got = await _reader.ReadEventAsync(upstream.NextReadToken());
            }
            catch (Exception e) when (e is not GatewayException)
            {
                throw upstream.MapReadFailure(e, ct);
            }
            if (!got || _reader.Data.Span.SequenceEqual("[DONE]"u8))
            {
                _done = true;
                return false;
            }
            var data = _reader.Data;
            if (data.IsEmpty) continue;
            if (UpstreamErrors.TryReadOpenAIError(data.Span, out var message, out var type, out var code) && !LooksLikeChunk(data.Span))
                throw new GatewayException(502, type ?? "api_error", message ?? "upstream stream error", code) { UpstreamBody = data.ToArray() };
            return true;
        }
        return false;
    }

    private static bool LooksLikeChunk(ReadOnlySpan<byte> json) => json.IndexOf("\"choices\""u8) >= 0;

    public override async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await upstream.DisposeAsync();
    }
}
