using System.Globalization;
using System.Text.Json;

namespace Gateway.Pricing;

/// <summary>Reads <c>prices.json</c> with <see cref="JsonDocument"/> (no reflection), money as exact decimals; every
/// problem in the file is collected and reported at once.</summary>
internal static class PriceTableReader
{
    private static readonly HashSet<string> KnownFields =
    [
        PriceFields.Provider, PriceFields.Mode, PriceFields.Input, PriceFields.Output, PriceFields.CacheRead,
        PriceFields.CacheWrite, PriceFields.Reasoning, PriceFields.PerImage, PriceFields.PerRequest,
        PriceFields.MaxOutputTokens, PriceFields.Source, PriceFields.Notes, PriceFields.Aliases,
    ];

    public static PriceTable Read(ReadOnlyMemory<byte> utf8Json)
    {
        var problems = new List<string>();
        using var doc = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("prices.json: the top level must be an object");

        var source = RequiredString(root, "source", "", problems) ?? "";
        var checkedOn = RequiredString(root, "checked", "", problems) ?? "";
        if (checkedOn.Length > 0 && !DateOnly.TryParseExact(checkedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            problems.Add($"checked: '{checkedOn}' is not a yyyy-MM-dd date");

        var entries = new List<(string Id, PriceEntry Entry)>();
        if (!root.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Object)
            problems.Add("models: missing or not an object");
        else
            foreach (var model in models.EnumerateObject())
                if (ReadEntry(model, problems) is { } entry) entries.Add((model.Name, entry));

        if (problems.Count > 0)
            throw new InvalidDataException($"prices.json: {problems.Count} problem(s):\n  - " + string.Join("\n  - ", problems));
        return new PriceTable(source, checkedOn, entries);
    }

    private static PriceEntry? ReadEntry(JsonProperty model, List<string> problems)
    {
        var at = $"models.{model.Name}";
        var e = model.Value;
        if (e.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{at}: must be an object");
            return null;
        }
        var before = problems.Count;
        foreach (var field in e.EnumerateObject())
            if (!KnownFields.Contains(field.Name)) problems.Add($"{at}.{field.Name}: unknown field");

        var mode = RequiredString(e, PriceFields.Mode, at, problems);
        if (mode is not (null or PriceEntry.Chat or PriceEntry.Embedding))
            problems.Add($"{at}.mode: '{mode}' must be '{PriceEntry.Chat}' or '{PriceEntry.Embedding}'");
        var source = RequiredString(e, PriceFields.Source, at, problems);
        if (source is not null && !Uri.TryCreate(source, UriKind.Absolute, out _))
            problems.Add($"{at}.source: '{source}' is not an absolute URL");

        var entry = new PriceEntry
        {
            Provider = RequiredString(e, PriceFields.Provider, at, problems) ?? "",
            Mode = mode ?? PriceEntry.Chat,
            InputPerToken = Money(e, PriceFields.Input, at, problems, required: true) ?? 0,
            OutputPerToken = Money(e, PriceFields.Output, at, problems, required: true) ?? 0,
            CacheReadPerToken = Money(e, PriceFields.CacheRead, at, problems),
            CacheWritePerToken = Money(e, PriceFields.CacheWrite, at, problems),
            ReasoningPerToken = Money(e, PriceFields.Reasoning, at, problems),
            PerImage = Money(e, PriceFields.PerImage, at, problems),
            PerRequest = Money(e, PriceFields.PerRequest, at, problems),
            MaxOutputTokens = MaxOutputTokens(e, at, problems),
            Source = source,
            Notes = e.TryGetProperty(PriceFields.Notes, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null,
            Aliases = Aliases(e, at, problems),
        };
        return problems.Count == before ? entry : null;
    }

    private static string? RequiredString(JsonElement e, string name, string at, List<string> problems)
    {
        var path = at.Length == 0 ? name : $"{at}.{name}";
        if (!e.TryGetProperty(name, out var v)) problems.Add($"{path}: missing");
        else if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString())) problems.Add($"{path}: must be a non-empty string");
        else return v.GetString();
        return null;
    }

    private static decimal? Money(JsonElement e, string name, string at, List<string> problems, bool required = false)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required) problems.Add($"{at}.{name}: missing");
            return null;
        }
        decimal d = 0;
        var ok = v.ValueKind == JsonValueKind.Number
            ? v.TryGetDecimal(out d)
            : v.ValueKind == JsonValueKind.String && decimal.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d);
        if (!ok || d < 0)
        {
            problems.Add($"{at}.{name}: '{v.GetRawText()}' is not a non-negative amount of dollars");
            return null;
        }
        return d;
    }

    private static int? MaxOutputTokens(JsonElement e, string at, List<string> problems)
    {
        if (!e.TryGetProperty(PriceFields.MaxOutputTokens, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n > 0) return n;
        problems.Add($"{at}.{PriceFields.MaxOutputTokens}: '{v.GetRawText()}' is not a positive whole number");
        return null;
    }

    private static IReadOnlyList<string> Aliases(JsonElement e, string at, List<string> problems)
    {
        if (!e.TryGetProperty(PriceFields.Aliases, out var v)) return [];
        var list = new List<string>();
        if (v.ValueKind == JsonValueKind.Array)
            foreach (var a in v.EnumerateArray())
                if (a.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(a.GetString())) list.Add(a.GetString()!);
                else problems.Add($"{at}.{PriceFields.Aliases}: every alias must be a non-empty string");
        else problems.Add($"{at}.{PriceFields.Aliases}: must be an array of strings");
        return list;
    }
}
