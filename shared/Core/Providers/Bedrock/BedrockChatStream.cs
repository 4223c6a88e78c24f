using Gateway.Chat;
using Gateway.Http;
using Gateway.Providers.Bedrock.Converse;
using Gateway.Providers.Bedrock.EventStream;

namespace Gateway.Providers.Bedrock;

/// <summary>A ConverseStream response: frames decoded as they arrive, each event translated to at most one OpenAI chunk.</summary>
internal sealed class BedrockChatStream(UpstreamStream upstream, ConverseStreamTranslator translator) : ChatStream
{
    private readonly EventStreamReader _frames = new(upstream.Body);

    public override ReadOnlyMemory<byte> Current => translator.Chunk;

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        var label = upstream.Deployment.Label;
        while (true)
        {
            bool got;
            try
            {
                got = await _frames.ReadAsync(upstream.NextReadToken());
            }
            catch (EventStreamFormatException e)
            {
                throw Errors.UpstreamProtocol(label, e.Message);
            }
            catch (Exception e) when (e is not GatewayException)
            {
                throw upstream.MapReadFailure(e, ct);
            }
            if (!got) return false;
            if (!_frames.IsEvent)
            {
                if (_frames.MessageType.SequenceEqual("exception"u8)) throw BedrockErrors.FromException(_frames.ExceptionType, _frames.Payload.Span, label);
                throw BedrockErrors.FromError(_frames.ErrorCode, _frames.ErrorMessage, label);
            }
            bool produced;
            try
            {
                produced = translator.Translate(_frames.EventType, _frames.Payload.Span);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw Errors.UpstreamProtocol(label, "a ConverseStream event is malformed: " + e.Message);
            }
            if (produced) return true;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        _frames.Dispose();
        await upstream.DisposeAsync();
    }
}
