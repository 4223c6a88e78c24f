namespace Gateway.Spend;

/// <summary>Where finished spend events go: straight into a store, or onto Event Hubs for the ingest function.</summary>
public interface ISpendSink
{
    /// <summary>For logs and readiness: <c>sqlite</c>, <c>tables</c>, <c>dynamodb</c>, <c>eventhubs</c>.</summary>
    string Name { get; }

    /// <summary>Durably writes the batch, or throws. Must be safe to repeat: a retried batch may already be partly written.</summary>
    Task WriteAsync(IReadOnlyList<SpendEvent> batch, CancellationToken ct);
}

/// <summary>A sink with a local backlog that can fall behind its store (the embedded journal).</summary>
public interface ISpendBacklog
{
    /// <summary>How often the store was found falling behind.</summary>
    long BehindCount { get; }
}
