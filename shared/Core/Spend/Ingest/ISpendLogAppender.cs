namespace Gateway.Spend.Ingest;

/// <summary>
/// A store that can take a call's event in one write and finish its ingest later: the append is the durable hand-off
/// (idempotent: an event already there is left alone), and <see cref="ISpendStore.IngestAsync"/> on the same events,
/// run by the store's change stream, adds the rest (the per-day index and the rollups) exactly once.
/// </summary>
public interface ISpendLogAppender
{
    /// <summary>Writes the events' log rows if absent, one conditional write per event, all at once.</summary>
    Task AppendAsync(IReadOnlyList<SpendEvent> events, CancellationToken ct = default);
}
