using System.Text.Json;
using Gateway.Http;
using Gateway.Spend;

namespace Gateway.Triggers;

/// <summary>Spend events from a trigger batch: each item is the event object, or a string holding its JSON (Event Hubs bodies as strings).</summary>
public static class SpendEventReader
{
    public static (List<SpendEvent> Events, List<int> Bad) ReadBatch(JsonElement batch)
    {
        if (batch.ValueKind == JsonValueKind.String) batch = Reparse(batch.GetString()!);
        if (batch.ValueKind != JsonValueKind.Array) throw Errors.InvalidField("Data", "expected an array of spend events (cardinality: many)");
        var events = new List<SpendEvent>();
        var bad = new List<int>();
        var i = 0;
        foreach (var item in batch.EnumerateArray())
        {
            if (TryRead(item, out var e)) events.Add(e);
            else bad.Add(i);
            i++;
        }
        return (events, bad);
    }

    /// <summary>One event from its JSON text; false for text that is not JSON or not an event (a truncated record).</summary>
    public static bool TryReadJson(string json, out SpendEvent e) => TryParse(() => JsonSerializer.Deserialize(json, SpendJson.Default.SpendEvent), out e);

    /// <summary>One event from a batch item: the event object, or a string holding its JSON.</summary>
    public static bool TryRead(JsonElement item, out SpendEvent e) => item.ValueKind == JsonValueKind.String
        ? TryReadJson(item.GetString()!, out e)
        : TryParse(() => item.Deserialize(SpendJson.Default.SpendEvent), out e);

    private static bool TryParse(Func<SpendEvent?> parse, out SpendEvent e)
    {
        e = null!;
        try
        {
            if (parse() is not { } parsed) return false;
            e = parsed;
            return true;
        }
        catch (Exception x) when (x is JsonException or NotSupportedException or InvalidOperationException)
        {
            return false;
        }
    }

    private static JsonElement Reparse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Errors.InvalidField("Data", "the batch is neither an array nor a JSON string holding one");
        }
    }
}
