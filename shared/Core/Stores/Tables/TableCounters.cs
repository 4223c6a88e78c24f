using Azure.Data.Tables;
using Gateway.Keys;

using Gateway.Limits;

namespace Gateway.Stores.Tables;

/// <summary>A subject's <see cref="CounterState"/> as the <c>counter</c> row of its partition (TableEntity only: AOT-safe).</summary>
internal static class TableCounters
{
    public static CounterState Read(TableEntity e) => new(
        L(e, "BudgetStart"), L(e, "Spend"), L(e, "Reserved"), L(e, "MinuteStart"), L(e, "Requests"), L(e, "TokensUsed"), L(e, "TokensReserved"), L(e, "InFlight"));

    public static string? Duration(TableEntity e) => e.GetString("BudgetDuration");

    public static TableEntity Write(string partition, CounterState s, string? duration) => new(partition, TableNames.Counter)
    {
        ["BudgetStart"] = s.BudgetStart,
        ["Spend"] = s.SpendNanos,
        ["Reserved"] = s.ReservedNanos,
        ["MinuteStart"] = s.MinuteStart,
        ["Requests"] = s.Requests,
        ["TokensUsed"] = s.TokensUsed,
        ["TokensReserved"] = s.TokensReserved,
        ["InFlight"] = s.InFlight,
        ["BudgetDuration"] = duration,
    };

    public static TableEntity Reservation(string partition, string id, long cost, long tokens, DateTimeOffset expires) => new(partition, TableNames.Reservation(id))
    {
        ["Cost"] = cost,
        ["Tokens"] = tokens,
        ["Expires"] = expires.ToUnixTimeSeconds(),
    };

    public static long L(TableEntity e, string name) => e.GetInt64(name) ?? 0;
}
