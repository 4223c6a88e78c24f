namespace Gateway.Spend.Retention;

/// <summary>
/// A spend store's deletion of expired logs. Rollups are never touched, so reports still cover the whole history.
/// Each call does bounded work; a store that could not finish says so and the next run goes on where it stopped.
/// </summary>
public interface ISpendLogPurge
{
    /// <summary>Deletes log rows of calls that started before <paramref name="cutoff"/>, at most about <paramref name="maxRows"/> rows.</summary>
    Task<PurgeResult> PurgeAsync(DateTimeOffset cutoff, int maxRows, CancellationToken ct = default);
}

/// <summary>What one purge did: rows deleted, and whether nothing expired is left (false: the row budget ran out).</summary>
public sealed record PurgeResult(long Deleted, bool Finished)
{
    public static readonly PurgeResult Nothing = new(0, true);

    /// <summary>A store-specific note for the log ("expired by item TTL", "returned 12 MB to the OS").</summary>
    public string? Note { get; init; }
}
