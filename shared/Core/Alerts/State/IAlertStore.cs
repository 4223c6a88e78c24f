namespace Gateway.Alerts.State;

/// <summary>
/// Alert history and dedup state in the configured store (SQLite, Table Storage, DynamoDB). Adding is conditional on the
/// id, so two instances evaluating the same spend send one alert between them.
/// </summary>
public interface IAlertStore
{
    /// <summary>Stores a new alert; false when one with its id exists (the alert already fired: stay quiet).</summary>
    Task<bool> TryAddAlertAsync(AlertRecord alert, CancellationToken ct);

    /// <summary>Replaces a stored alert (its delivery progress).</summary>
    Task SaveAlertAsync(AlertRecord alert, CancellationToken ct);

    /// <summary>Alerts fired at or after <paramref name="since"/>, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(DateTimeOffset since, int limit, CancellationToken ct);
}
