namespace Gateway.Streaming;

/// <summary>A stream of events read one at a time from an upstream (OpenAI chunks, or Anthropic events).</summary>
public interface IEventSource
{
    /// <summary>Advances to the next event; false at the end.</summary>
    ValueTask<bool> ReadAsync(CancellationToken ct);
}
