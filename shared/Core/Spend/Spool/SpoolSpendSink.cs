namespace Gateway.Spend.Spool;

/// <summary>The embedded sink: the journal append is the hand-off; <see cref="SpoolDrainer"/> moves events into SQLite.</summary>
public sealed class SpoolSpendSink(SpendSpool spool, SpoolDrainer drainer) : ISpendSink, ISpendBacklog
{
    public string Name => "sqlite (journal)";

    public long BehindCount => spool.BehindCount;

    public async Task WriteAsync(IReadOnlyList<SpendEvent> batch, CancellationToken ct)
    {
        // Woken first as well: an append that waits at the journal's bound needs the drainer running.
        if (spool.PendingBytes > spool.HighWaterBytes) drainer.Wake();
        await spool.AppendAsync(batch, ct);
        drainer.Wake();
    }
}
