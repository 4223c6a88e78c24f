using Gateway.Chat;
using Gateway.Embeddings;

namespace Gateway.Providers;

/// <summary>
/// One upstream deployment's adapter. It takes OpenAI-format requests and gives OpenAI-format answers,
/// translating to and from the provider's own wire format inside. Failures are thrown as
/// <see cref="Http.GatewayException"/> with the status the client should see.
/// </summary>
public interface IChatProvider
{
    /// <summary>A non-streamed completion: the OpenAI <c>chat.completion</c> JSON and its usage.</summary>
    Task<UpstreamResult> CompleteAsync(ChatCall call, CancellationToken ct);

    /// <summary>Starts a stream; returns once the upstream has accepted the call (so errors before it can still be retried).</summary>
    Task<ChatStream> StreamAsync(ChatCall call, CancellationToken ct);
}

/// <summary>An adapter that also serves <c>/v1/embeddings</c>.</summary>
public interface IEmbeddingsProvider
{
    Task<UpstreamResult> EmbedAsync(EmbeddingsCall call, CancellationToken ct);
}

/// <summary>A whole OpenAI-format JSON answer from upstream, with the usage it reported.</summary>
public sealed record UpstreamResult(ReadOnlyMemory<byte> Body, TokenUsage Usage);
