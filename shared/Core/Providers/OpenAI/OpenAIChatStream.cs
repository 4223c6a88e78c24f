using Gateway.Chat;
using Gateway.Http;
using Gateway.Streaming;

namespace Gateway.Providers.OpenAI;

/// <summary>An OpenAI-format SSE stream from upstream: each <c>data:</c> payload is a chunk, until <c>[DONE]</c>.</summary>
internal sealed class OpenAIChatStream(UpstreamStream upstream) : ChatStream
{
    private readonly UpstreamSse _events = new(upstream);
    private bool _done;

    public override ReadOnlyMemory<byte> Current => _events.Data;

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (!_done)
        {
            var got = await _events.ReadAsync(ct);
            if (!got || _events.Data.Span.SequenceEqual("[DONE]"u8))
            {
                _done = true;
                return false;
            }
            var data = _events.Data;
            if (data.IsEmpty) continue;
            if (UpstreamErrors.TryReadOpenAIError(data.Span, out var error) && !LooksLikeChunk(data.Span))
                throw UpstreamErrors.Create(502, error.Type ?? "api_error", error.Message ?? "upstream stream error", error.Code, error.Param, retryable: false);
            return true;
        }
        return false;
    }

    private static bool LooksLikeChunk(ReadOnlySpan<byte> json) => json.IndexOf("\"choices\""u8) >= 0;

    public override ValueTask DisposeAsync() => _events.DisposeAsync();
}
