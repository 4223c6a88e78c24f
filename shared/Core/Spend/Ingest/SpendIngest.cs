using Microsoft.Extensions.Logging;

namespace Gateway.Spend.Ingest;

/// <summary>
/// The one ingest path, whatever delivered the batch: the embedded sink, the Event Hubs trigger, the AWS sink.
/// Drops malformed events (counted and logged, never retried forever) and hands the rest to the store, which is
/// idempotent, so a redelivered batch changes nothing.
/// </summary>
public sealed partial class SpendIngest(ISpendStore store, ILogger<SpendIngest> log)
{
    public ISpendStore Store => store;

    public async Task<IngestResult> IngestAsync(IReadOnlyList<SpendEvent> events, CancellationToken ct = default)
    {
        var valid = new List<SpendEvent>(events.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rejected = 0;
        foreach (var e in events)
        {
            if (string.IsNullOrEmpty(e.Id) || e.Id.Length > 200 || e.StartTime == default || string.IsNullOrEmpty(e.Model))
            {
                rejected++;
                continue;
            }
            if (seen.Add(e.Id)) valid.Add(e); // a batch may carry the same event twice (a retried send)
        }
        if (rejected > 0) LogRejected(log, rejected);
        var added = valid.Count == 0 ? 0 : await store.IngestAsync(valid, ct);
        return new IngestResult(events.Count, added, events.Count - rejected - added, rejected);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spend ingest dropped {Count} malformed event(s) (no id, model or start time)")]
    private static partial void LogRejected(ILogger log, int count);
}

/// <summary>What one ingest did: events received, newly written, already present (redelivered), and rejected as malformed.</summary>
public sealed record IngestResult(int Received, int Written, int Duplicates, int Rejected);
