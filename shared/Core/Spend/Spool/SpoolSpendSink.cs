namespace Gateway.Spend.Spool;

/// <summary>The embedded sink: the journal append is the hand-off; <see cref="SpoolDrainer"/> moves events into SQLite.</summary>
public sealed class SpoolSpendSink(SpendSpool spool, SpoolDrainer drainer) : ISpendSink
{
    public string Name => "sqlite (journal)";

    public async Task WriteAsync(IReadOnlyList<SpendEvent> batch, CancellationToken ct)
    {
        await spool.AppendAsync(batch, ct);
        drainer.Wake();
    }
}
