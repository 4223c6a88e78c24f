namespace Gateway.Chat;

/// <summary>
/// A stream of OpenAI <c>chat.completion.chunk</c> JSON objects, one per <see cref="ReadAsync"/>, as they arrive
/// from upstream. <see cref="Current"/> is valid until the next read. Disposing cancels the upstream call.
/// </summary>
public abstract class ChatStream : Streaming.IEventSource, IAsyncDisposable
{
    /// <summary>Advances to the next chunk; false at the end of the stream. Throws <see cref="Http.GatewayException"/> on upstream errors.</summary>
    public abstract ValueTask<bool> ReadAsync(CancellationToken ct);

    public abstract ReadOnlyMemory<byte> Current { get; }

    public abstract ValueTask DisposeAsync();
}
