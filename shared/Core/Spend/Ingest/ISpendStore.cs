namespace Gateway.Spend.Ingest;

/// <summary>
/// Where spend events end up: a log (one row per call, keyed by request id) and daily rollups per key, team, user,
/// model and tag. Ingestion is idempotent: an event already ingested changes nothing, however often it is redelivered,
/// and each rollup counts each event exactly once even when an earlier ingestion of it stopped halfway.
/// </summary>
public interface ISpendStore
{
    /// <summary>Creates what the store needs (tables, schema) and opens its connection; idempotent.</summary>
    Task InitializeAsync(CancellationToken ct = default) => Task.CompletedTask;

    /// <summary>Writes the events not yet ingested; returns how many were new.</summary>
    Task<int> IngestAsync(IReadOnlyList<SpendEvent> events, CancellationToken ct = default);

    /// <summary>Log rows newest first, one bounded page at a time.</summary>
    Task<SpendLogPage> QueryLogsAsync(SpendLogQuery query, CancellationToken ct = default);

    /// <summary>Daily rollup rows of one dimension (one per value and day) within the days asked for.</summary>
    Task<IReadOnlyList<SpendRollup>> QueryRollupsAsync(RollupQuery query, CancellationToken ct = default);
}

/// <summary>
/// A log query. <see cref="KeyHash"/> picks the per-key index; without it the per-day index is read. Team, user and model
/// are filters within the index read; <see cref="RequestId"/> finds one row. <see cref="Cursor"/> continues a page.
/// </summary>
public sealed record SpendLogQuery(DateOnly Start, DateOnly End)
{
    public string? KeyHash { get; init; }
    public string? TeamId { get; init; }
    public string? UserId { get; init; }
    public string? Model { get; init; }
    public string? RequestId { get; init; }
    public int Limit { get; init; } = 100;
    public string? Cursor { get; init; }

    public bool Matches(SpendEvent e) =>
        (KeyHash is null || e.KeyHash == KeyHash) && (TeamId is null || e.TeamId == TeamId) && (UserId is null || e.UserId == UserId)
        && (Model is null || e.Model == Model || e.ModelGroup == Model) && (RequestId is null || e.Id == RequestId)
        && e.Day >= Start && e.Day <= End;
}

public sealed record SpendLogPage(IReadOnlyList<SpendEvent> Items, string? NextCursor);

/// <summary>Rollups of <see cref="Dimension"/> (see <see cref="SpendDimensions"/>) from <see cref="Start"/> to <see cref="End"/>, optionally one value.</summary>
public sealed record RollupQuery(string Dimension, DateOnly Start, DateOnly End, string? Value = null);

/// <summary>One value's totals for one day. Spend is integer nano-dollars, as every store keeps it.</summary>
public sealed record SpendRollup(string Dimension, string Value, DateOnly Day)
{
    public long SpendNanos { get; init; }
    public long Requests { get; init; }
    public long Failures { get; init; }
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long CacheWriteTokens { get; init; }
    /// <summary>Calls the response cache answered, and what they saved (nano-dollars).</summary>
    public long CacheHits { get; init; }
    public long SavedNanos { get; init; }

    public decimal Spend => Money.FromNanos(SpendNanos);

    /// <summary>What one event adds to a rollup.</summary>
    public static SpendRollup Of(string dimension, string value, SpendEvent e) => new(dimension, value, e.Day)
    {
        SpendNanos = SpendDimensions.Nanos(e),
        Requests = 1,
        Failures = e.Status == SpendStatus.Success ? 0 : 1,
        PromptTokens = e.PromptTokens,
        CompletionTokens = e.CompletionTokens,
        CacheReadTokens = e.CacheReadTokens,
        CacheWriteTokens = e.CacheWriteTokens,
        CacheHits = e.CacheHit ? 1 : 0,
        SavedNanos = Money.ToNanos(e.Saved),
    };

    public SpendRollup Plus(SpendRollup o) => this with
    {
        SpendNanos = SpendNanos + o.SpendNanos,
        Requests = Requests + o.Requests,
        Failures = Failures + o.Failures,
        PromptTokens = PromptTokens + o.PromptTokens,
        CompletionTokens = CompletionTokens + o.CompletionTokens,
        CacheReadTokens = CacheReadTokens + o.CacheReadTokens,
        CacheWriteTokens = CacheWriteTokens + o.CacheWriteTokens,
        CacheHits = CacheHits + o.CacheHits,
        SavedNanos = SavedNanos + o.SavedNanos,
    };
}

public static class SpendStatus
{
    public const string Success = "success";
    public const string Failure = "failure";
}

/// <summary>A store was handed a paging cursor it did not issue (the spend API answers it with a 400 naming <c>cursor</c>).</summary>
public sealed class InvalidCursorException() : Exception("The cursor is not one this gateway returned for this query.");
