using Gateway.Keys;

namespace Gateway.Limits;

/// <summary>
/// One subject's counters, as every store keeps them. Windows reset lazily: a state read after its window has ended
/// is rolled to the current window first (spend, requests and used tokens to zero; reservations stay, they are in flight).
/// The limit arithmetic lives here once so every store decides exactly alike.
/// </summary>
public sealed record CounterState(
    long BudgetStart, long SpendNanos, long ReservedNanos,
    long MinuteStart, long Requests, long TokensUsed, long TokensReserved, long InFlight)
{
    public static readonly CounterState Empty = new(0, 0, 0, 0, 0, 0, 0, 0);

    public CounterState RolledTo(string? budgetDuration, DateTimeOffset now)
    {
        var budgetStart = BudgetWindow.Start(budgetDuration, now);
        var minuteStart = Period.Minute.WindowStart(now);
        var s = this;
        if (budgetStart > s.BudgetStart) s = s with { BudgetStart = budgetStart, SpendNanos = 0 };
        if (minuteStart > s.MinuteStart) s = s with { MinuteStart = minuteStart, Requests = 0, TokensUsed = 0 };
        return s;
    }

    /// <summary>Which limit this call would break, if any; <paramref name="retryAfter"/> is seconds until it may pass.</summary>
    public LimitKind Check(SubjectLimits limits, long costNanos, long tokens, DateTimeOffset now, out long retryAfter)
    {
        retryAfter = 0;
        if (limits.MaxBudget is { } budget && (limits.SoftBudget ? SpendNanos >= Money.ToNanos(budget) : SpendNanos + ReservedNanos + costNanos > Money.ToNanos(budget)))
        {
            retryAfter = BudgetWindow.ResetAt(limits.BudgetDuration, now) is { } reset ? Math.Max(1, (long)(reset - now).TotalSeconds) : 0;
            return LimitKind.Budget;
        }
        var toNextMinute = Math.Max(1, Period.Minute.WindowEnd(now) - now.ToUnixTimeSeconds());
        if (limits.Rpm is { } rpm && Requests + 1 > rpm)
        {
            retryAfter = toNextMinute;
            return LimitKind.Rpm;
        }
        if (limits.Tpm is { } tpm && TokensUsed + TokensReserved + tokens > tpm)
        {
            retryAfter = toNextMinute;
            return LimitKind.Tpm;
        }
        if (limits.MaxParallel is { } parallel && InFlight + 1 > parallel)
        {
            retryAfter = 1;
            return LimitKind.Parallel;
        }
        return LimitKind.None;
    }

    public CounterState Reserve(long costNanos, long tokens) => this with
    {
        ReservedNanos = ReservedNanos + costNanos,
        Requests = Requests + 1,
        TokensReserved = TokensReserved + tokens,
        InFlight = InFlight + 1,
    };

    /// <summary>Releases a reservation and books what the call actually cost (zero for a sweep).</summary>
    public CounterState Settle(long reservedNanos, long reservedTokens, long actualNanos, long actualTokens) => this with
    {
        ReservedNanos = Math.Max(0, ReservedNanos - reservedNanos),
        TokensReserved = Math.Max(0, TokensReserved - reservedTokens),
        InFlight = Math.Max(0, InFlight - 1),
        SpendNanos = SpendNanos + actualNanos,
        TokensUsed = TokensUsed + actualTokens,
    };

    /// <summary>Takes back a reservation whose call was refused by another subject: as if the request never came.</summary>
    public CounterState Unreserve(long costNanos, long tokens) => Settle(costNanos, tokens, 0, 0) with { Requests = Math.Max(0, Requests - 1) };

    public SubjectUsage ToUsage(string subject) => new(subject, SpendNanos, ReservedNanos, Requests, TokensUsed, TokensReserved, InFlight);
}
