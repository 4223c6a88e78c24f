using Gateway.Spend.Ingest;

namespace Gateway.Spend.Sinks;

/// <summary>
/// Writes events straight into the spend store: through the whole ingest path (the embedded default), or, with
/// <paramref name="appendOnly"/>, only their log rows, leaving the rollups to the store's change stream (AWS).
/// </summary>
public sealed class StoreSpendSink(SpendIngest ingest, string name, ISpendLogAppender? appendOnly = null) : ISpendSink
{
    public string Name => appendOnly is null ? name : name + " (rollups from the stream)";

    public Task WriteAsync(IReadOnlyList<SpendEvent> batch, CancellationToken ct) =>
        appendOnly is { } a ? a.AppendAsync(batch, ct) : ingest.IngestAsync(batch, ct);
}
