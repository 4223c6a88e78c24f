using Gateway.Spend.Ingest;

namespace Gateway.Spend.Spool;

/// <summary>The embedded spend store as the API sees it: every read first moves in what the journal holds, so it sees every finished call.</summary>
public sealed class SpooledSpendStore(ISpendStore inner, SpendSpool spool) : ISpendStore
{
    public Task InitializeAsync(CancellationToken ct = default) => inner.InitializeAsync(ct);

    public Task<int> IngestAsync(IReadOnlyList<SpendEvent> events, CancellationToken ct = default) => inner.IngestAsync(events, ct);

    public async Task<SpendLogPage> QueryLogsAsync(SpendLogQuery query, CancellationToken ct = default)
    {
        await spool.DrainAsync(ct);
        return await inner.QueryLogsAsync(query, ct);
    }

    public async Task<IReadOnlyList<SpendRollup>> QueryRollupsAsync(RollupQuery query, CancellationToken ct = default)
    {
        await spool.DrainAsync(ct);
        return await inner.QueryRollupsAsync(query, ct);
    }
}
