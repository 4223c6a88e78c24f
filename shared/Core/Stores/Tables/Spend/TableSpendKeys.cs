using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Gateway.Spend;
using Gateway.Spend.Ingest;

namespace Gateway.Stores.Tables;

/// <summary>Partition keys, row keys and entity shapes of <see cref="TableSpendStore"/> (TableEntity only: AOT-safe).</summary>
internal static class TableSpendKeys
{
    /// <summary>Table Storage caps a string property at 32K UTF-16 characters: longer event JSON is split over Json, Json1, Json2…</summary>
    public const int JsonChunk = 30_000;

    /// <summary>Escapes what Table Storage forbids in keys (/ \ # ? and control characters), the escape character itself and <c>|</c>, the key separator.</summary>
    public static string Escape(string s)
    {
        var plain = true;
        foreach (var c in s)
            if (NeedsEscape(c)) { plain = false; break; }
        if (plain) return s;
        var sb = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            if (NeedsEscape(c)) sb.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(char c) => c is '%' or '/' or '\\' or '#' or '?' or '|' || char.IsControl(c);

    public static string Day(DateOnly d) => SpendDimensions.DayText(d);

    public static string KeyPartition(string key, DateOnly day) => $"k|{Escape(key)}|{Day(day)}";
    public static string DayPartition(DateOnly day) => $"d|{Day(day)}";

    /// <summary>Ascending row keys read newest first: inverted start ticks, then the request id.</summary>
    public static string LogRow(SpendEvent e) =>
        string.Create(CultureInfo.InvariantCulture, $"{long.MaxValue - e.StartTime.UtcTicks:D19}|{Escape(e.Id)}");

    public static string RollupPartition(string dimension, DateOnly day) => $"{dimension}|{Day(day)}";
    public const string ValuePrefix = "v|";
    public const string ValueEnd = "v}"; // '}' follows '|': the end of the value rows' range
    public static string RollupRow(string value) => ValuePrefix + Escape(value);
    public static string MarkerRow(string value, string id) => $"m|{Escape(value)}|{Escape(id)}";

    public static TableEntity LogEntity(string partition, SpendEvent e, string json)
    {
        // Without spend logs the row is only the event's claim; KeyHash stays so retention finds the per-key row.
        if (e.NoLog) return new TableEntity(partition, LogRow(e)) { ["Id"] = e.Id, ["KeyHash"] = e.KeyHash };
        var entity = new TableEntity(partition, LogRow(e))
        {
            ["Id"] = e.Id,
            ["KeyHash"] = e.KeyHash,
            ["TeamId"] = e.TeamId,
            ["UserId"] = e.UserId,
            ["Model"] = e.Model,
            ["ModelGroup"] = e.ModelGroup,
            ["Spend"] = SpendDimensions.Nanos(e),
        };
        for (int i = 0, n = 0; i < json.Length; n++)
        {
            var len = Math.Min(JsonChunk, json.Length - i);
            if (len < json.Length - i && char.IsHighSurrogate(json[i + len - 1])) len--; // never split a surrogate pair
            entity[n == 0 ? "Json" : "Json" + n.ToString(CultureInfo.InvariantCulture)] = json.Substring(i, len);
            i += len;
        }
        return entity;
    }

    public static string ReadJson(TableEntity e)
    {
        var first = e.GetString("Json") ?? "";
        if (!e.ContainsKey("Json1")) return first;
        var sb = new StringBuilder(first);
        for (var n = 1; e.GetString("Json" + n.ToString(CultureInfo.InvariantCulture)) is { } part; n++) sb.Append(part);
        return sb.ToString();
    }

    public static TableEntity RollupEntity(string partition, string value, SpendRollup r) => new(partition, RollupRow(value))
    {
        ["Value"] = value,
        ["SpendNanos"] = r.SpendNanos,
        ["Requests"] = r.Requests,
        ["Failures"] = r.Failures,
        ["PromptTokens"] = r.PromptTokens,
        ["CompletionTokens"] = r.CompletionTokens,
        ["CacheReadTokens"] = r.CacheReadTokens,
        ["CacheWriteTokens"] = r.CacheWriteTokens,
        ["CacheHits"] = r.CacheHits,
        ["SavedNanos"] = r.SavedNanos,
    };

    public static SpendRollup ReadRollup(string dimension, DateOnly day, TableEntity e) => new(dimension, e.GetString("Value") ?? "", day)
    {
        SpendNanos = L(e, "SpendNanos"),
        Requests = L(e, "Requests"),
        Failures = L(e, "Failures"),
        PromptTokens = L(e, "PromptTokens"),
        CompletionTokens = L(e, "CompletionTokens"),
        CacheReadTokens = L(e, "CacheReadTokens"),
        CacheWriteTokens = L(e, "CacheWriteTokens"),
        CacheHits = L(e, "CacheHits"),
        SavedNanos = L(e, "SavedNanos"),
    };

    private static long L(TableEntity e, string name) => e.GetInt64(name) ?? 0;

    /// <summary>
    /// A log cursor: the day being read and the position in its partition, either after a row key (<c>r</c>) or a
    /// service continuation token (<c>c</c>), bound to the query's filters by a short hash. Base64url, so opaque to clients.
    /// </summary>
    public static string Cursor(SpendLogQuery q, DateOnly day, char kind, string position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"t1\n{Fingerprint(q)}\n{Day(day)}\n{kind}\n{position}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (DateOnly Day, char Kind, string Position)? ParseCursor(SpendLogQuery q)
    {
        if (q.Cursor is null) return null;
        try
        {
            var b64 = q.Cursor.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('\n', 5);
            if (parts is ["t1", var fp, var dayText, [var kind], var position] && fp == Fingerprint(q)
                && DateOnly.TryParseExact(dayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                && day >= q.Start && day <= q.End
                && (kind == 'c' && position.Length > 0 || kind == 'r' && (position.Length == 0 || IsLogRow(position))))
                return (day, kind, position);
        }
        catch (FormatException)
        {
        }
        throw new Spend.Ingest.InvalidCursorException();
    }

    private static bool IsLogRow(string s) => s.Length > 20 && s[19] == '|' && s.AsSpan(0, 19).IndexOfAnyExceptInRange('0', '9') < 0;

    private static string Fingerprint(SpendLogQuery q)
    {
        var text = string.Join('\u001f', q.KeyHash, q.TeamId, q.UserId, q.Model, q.RequestId, Day(q.Start), Day(q.End));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 6);
    }
}
