namespace Gateway.Spend.Ingest;

/// <summary>An event together with its JSON line, as the journal wrote it.</summary>
public sealed record JournaledSpendEvent(SpendEvent Event, string Json);

/// <summary>
/// A store that keeps each event's JSON as its log row can take the line the journal already wrote, instead of
/// serializing the event a second time. Same contract as <see cref="ISpendStore.IngestAsync"/>.
/// </summary>
public interface ISerializedSpendIngest
{
    Task<int> IngestSerializedAsync(IReadOnlyList<JournaledSpendEvent> events, CancellationToken ct = default);
}
