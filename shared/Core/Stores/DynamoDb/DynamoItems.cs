using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Gateway.Keys;

using Gateway.Limits;

namespace Gateway.Stores.DynamoDb;

/// <summary>Attribute maps for the DynamoDB store: keys <c>pk</c>/<c>sk</c>, counter items with a version and their reservations.</summary>
internal static class DynamoItems
{
    public const string Record = "record";
    public const string Counter = "counter";
    public const string ReservationPrefix = "r_";

    public static Dictionary<string, AttributeValue> Key(string pk, string sk) => new() { ["pk"] = S(pk), ["sk"] = S(sk) };

    public static AttributeValue S(string s) => new() { S = s };
    public static AttributeValue N(long n) => new() { N = n.ToString(CultureInfo.InvariantCulture) };

    public static long Long(Dictionary<string, AttributeValue>? item, string name) =>
        item is not null && item.TryGetValue(name, out var v) && v.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 0;

    public static string? Str(Dictionary<string, AttributeValue>? item, string name) =>
        item is not null && item.TryGetValue(name, out var v) ? v.S : null;

    public static CounterState ReadCounter(Dictionary<string, AttributeValue>? i) => new(
        Long(i, "bs"), Long(i, "spend"), Long(i, "reserved"), Long(i, "ms"), Long(i, "req"), Long(i, "tu"), Long(i, "tr"), Long(i, "inf"));

    /// <summary>The attribute holding one reservation inside its subject's counter item: <c>r_&lt;id&gt;</c> = "cost tokens expires".</summary>
    public static string ReservationAttribute(string id) => ReservationPrefix + id;

    public static AttributeValue ReservationValue(long cost, long tokens, DateTimeOffset expires) =>
        S(string.Create(CultureInfo.InvariantCulture, $"{cost} {tokens} {expires.ToUnixTimeSeconds()}"));

    public static (long Cost, long Tokens, long Expires) ParseReservation(string value)
    {
        var parts = value.Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// One conditional UpdateItem that writes a counter state computed from version <paramref name="version"/>
    /// (<c>attribute_not_exists(ver) OR ver = :v</c>) and bumps the version with <c>ADD</c>; a stale read fails the
    /// condition and the caller re-reads. Reserving SETs the reservation attribute in the same update; settling REMOVEs
    /// it, on condition that it is still there (so a reservation is released once).
    /// </summary>
    public static UpdateItemRequest CounterUpdate(string table, string pk, CounterState s, string? duration, long version,
        string reservationId, AttributeValue? reserve)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":bs"] = N(s.BudgetStart), [":spend"] = N(s.SpendNanos), [":reserved"] = N(s.ReservedNanos), [":ms"] = N(s.MinuteStart),
            [":req"] = N(s.Requests), [":tu"] = N(s.TokensUsed), [":tr"] = N(s.TokensReserved), [":inf"] = N(s.InFlight),
            [":dur"] = duration is null ? new AttributeValue { NULL = true } : S(duration), [":one"] = N(1), [":v"] = N(version),
        };
        const string set = "SET bs = :bs, spend = :spend, reserved = :reserved, ms = :ms, req = :req, tu = :tu, tr = :tr, inf = :inf, dur = :dur";
        string update, condition;
        if (reserve is not null)
        {
            values[":res"] = reserve;
            update = set + ", #r = :res ADD ver :one";
            condition = "attribute_not_exists(ver) OR ver = :v";
        }
        else
        {
            update = set + " REMOVE #r ADD ver :one";
            condition = "ver = :v AND attribute_exists(#r)";
        }
        return new UpdateItemRequest
        {
            TableName = table,
            Key = Key(pk, Counter),
            UpdateExpression = update,
            ConditionExpression = condition,
            ExpressionAttributeNames = new Dictionary<string, string> { ["#r"] = ReservationAttribute(reservationId) },
            ExpressionAttributeValues = values,
        };
    }
}
