namespace Gateway;

/// <summary>Money is <c>decimal</c> in code and integer nano-dollars in stores without an exact decimal type.</summary>
public static class Money
{
    private const decimal NanosPerDollar = 1_000_000_000m;

    private static readonly decimal MaxDollars = long.MaxValue / NanosPerDollar;

    /// <summary>Rounds up, so a reservation never undercounts; saturates instead of overflowing.</summary>
    public static long ToNanos(decimal dollars) =>
        dollars >= MaxDollars ? long.MaxValue : dollars <= -MaxDollars ? long.MinValue : (long)decimal.Ceiling(dollars * NanosPerDollar);

    public static decimal FromNanos(long nanos) => nanos / NanosPerDollar;
}
