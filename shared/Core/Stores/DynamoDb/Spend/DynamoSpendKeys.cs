using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.DynamoDBv2.Model;
using Gateway.Spend;
using Gateway.Spend.Ingest;
using static Gateway.Stores.DynamoDb.DynamoItems;

namespace Gateway.Stores.DynamoDb;

/// <summary>Keys and item shapes of <see cref="DynamoSpendStore"/>.</summary>
internal static class DynamoSpendKeys
{
    public static string Day(DateOnly d) => SpendDimensions.DayText(d);

    /// <summary>
    /// The item TTL attribute (epoch seconds) of log items: the call's start plus the retention period. The table's TTL
    /// must name it (infra/cdk SharedStack.TtlAttribute; <see cref="DynamoClients.EnsureTableAsync"/> for tables it creates).
    /// </summary>
    public const string ExpiresAt = "expires_at";

    public static string KeyPartition(string key, DateOnly day) => $"k|{key}|{Day(day)}";
    public static string DayPartition(DateOnly day) => $"d|{Day(day)}";

    /// <summary>Ascending sort keys read newest first: inverted start ticks, then the request id (as in the Tables store).</summary>
    public static string LogSort(SpendEvent e) => string.Create(CultureInfo.InvariantCulture, $"{long.MaxValue - e.StartTime.UtcTicks:D19}|{e.Id}");

    public static string RollupPartition(string dimension, DateOnly day) => $"r|{dimension}|{Day(day)}";

    /// <summary>Values are prefixed so an empty value (an empty tag) is still a valid sort key.</summary>
    public const string ValuePrefix = "v|";
    public static string RollupSort(string value) => ValuePrefix + value;

    /// <summary>A rollup target as kept in a log item's <c>Applied</c> set.</summary>
    public static string Target(string dimension, string value) => dimension + "|" + value;

    /// <param name="tenant">Written as <c>tenant</c>: a tenant's stream mapping filters the shared table's records on it (infra/cdk).</param>
    /// <param name="expiresAt">When the item may go (retention), or null to keep it.</param>
    public static Dictionary<string, AttributeValue> LogItem(string pk, SpendEvent e, string json, string? tenant, DateTimeOffset? expiresAt)
    {
        var item = Key(pk, LogSort(e));
        if (expiresAt is { } at) item[ExpiresAt] = N(at.ToUnixTimeSeconds());
        if (tenant is { Length: > 0 }) item["tenant"] = S(tenant);
        item["id"] = S(e.Id);
        if (e.NoLog) return item; // without spend logs the item is only the event's claim, kept until its TTL
        item["json"] = S(json);
        item["model"] = S(e.Model);
        if (e.ModelGroup is { Length: > 0 } g) item["model_group"] = S(g);
        if (e.TeamId is { Length: > 0 } t) item["team_id"] = S(t);
        if (e.UserId is { Length: > 0 } u) item["user_id"] = S(u);
        item["spend"] = N(SpendDimensions.Nanos(e));
        return item;
    }

    public static SpendRollup ReadRollup(string dimension, DateOnly day, Dictionary<string, AttributeValue> item) =>
        new(dimension, Str(item, "sk")![ValuePrefix.Length..], day)
        {
            SpendNanos = Long(item, "SpendNanos"),
            Requests = Long(item, "Requests"),
            Failures = Long(item, "Failures"),
            PromptTokens = Long(item, "PromptTokens"),
            CompletionTokens = Long(item, "CompletionTokens"),
            CacheReadTokens = Long(item, "CacheReadTokens"),
            CacheWriteTokens = Long(item, "CacheWriteTokens"),
            CacheHits = Long(item, "CacheHits"),
            SavedNanos = Long(item, "SavedNanos"),
        };

    public static List<string> Set(Dictionary<string, AttributeValue>? item, string name) =>
        item is not null && item.TryGetValue(name, out var v) && v.SS is { } ss ? ss : [];

    public static AttributeValue SS(IEnumerable<string> values) => new() { SS = values.ToList() };

    /// <summary>A log cursor: the day being read and the sort key read last there ("" = from its start), bound to the query by a short hash. Base64url.</summary>
    public static string Cursor(SpendLogQuery q, DateOnly day, string after) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"d1\n{Fingerprint(q)}\n{Day(day)}\n{after}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (DateOnly Day, string After)? ParseCursor(SpendLogQuery q)
    {
        if (q.Cursor is null) return null;
        try
        {
            var b64 = q.Cursor.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('\n', 4);
            if (parts is ["d1", var fp, var dayText, var after] && fp == Fingerprint(q)
                && DateOnly.TryParseExact(dayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                && day >= q.Start && day <= q.End
                && (after.Length == 0 || after.Length > 20 && after[19] == '|' && after.AsSpan(0, 19).IndexOfAnyExceptInRange('0', '9') < 0))
                return (day, after);
        }
        catch (FormatException)
        {
        }
        throw new Spend.Ingest.InvalidCursorException();
    }

    private static string Fingerprint(SpendLogQuery q)
    {
        var text = string.Join('\u001f', q.KeyHash, q.TeamId, q.UserId, q.Model, q.RequestId, Day(q.Start), Day(q.End));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 6);
    }
}
