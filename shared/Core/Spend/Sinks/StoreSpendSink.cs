using Gateway.Spend.Ingest;

namespace Gateway.Spend.Sinks;

/// <summary>Writes events straight into the spend store through the ingest path: the embedded default, and AWS (DynamoDB).</summary>
public sealed class StoreSpendSink(SpendIngest ingest, string name) : ISpendSink
{
    public string Name => name;

    public Task WriteAsync(IReadOnlyList<SpendEvent> batch, CancellationToken ct) => ingest.IngestAsync(batch, ct);
}
