using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gateway.Pricing;

/// <summary>
/// Reads <c>prices.json</c> in one forward pass with <see cref="Utf8JsonReader"/> (no reflection, no document tree),
/// money as exact decimals. Every problem in the file is collected and reported at once.
/// </summary>
internal static class PriceTableReader
{
    private static readonly JsonReaderOptions Options = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    public static PriceTable Read(ReadOnlyMemory<byte> utf8Json)
    {
        var problems = new List<string>();
        var entries = new List<(string Id, PriceEntry Entry)>();
        string? source = null, checkedOn = null;
        var sawModels = false;
        try
        {
            var r = new Utf8JsonReader(utf8Json.Span, Options);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw new InvalidDataException("prices.json: the top level must be an object");
            while (Next(ref r) is { } name)
            {
                switch (name)
                {
                    case "source": source = NonEmptyString(ref r, new FieldPath("", "source"), problems); break;
                    case "checked": checkedOn = NonEmptyString(ref r, new FieldPath("", "checked"), problems); break;
                    case "models" when r.TokenType == JsonTokenType.StartObject:
                        sawModels = true;
                        ReadModels(ref r, entries, problems);
                        break;
                    default: r.Skip(); break; // free-form notes
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"prices.json: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }

        if (source is null && !problems.Any(p => p.StartsWith("source:", StringComparison.Ordinal))) problems.Add("source: missing");
        if (checkedOn is null && !problems.Any(p => p.StartsWith("checked:", StringComparison.Ordinal))) problems.Add("checked: missing");
        if (checkedOn is not null && !DateOnly.TryParseExact(checkedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            problems.Add($"checked: '{checkedOn}' is not a yyyy-MM-dd date");
        if (!sawModels) problems.Add("models: missing or not an object");
        if (problems.Count > 0)
            throw new InvalidDataException($"prices.json: {problems.Count} problem(s):\n  - " + string.Join("\n  - ", problems));
        return new PriceTable(source!, checkedOn!, entries);
    }

    private static void ReadModels(ref Utf8JsonReader r, List<(string, PriceEntry)> entries, List<string> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (Next(ref r) is { } id)
        {
            var at = $"models.{id}";
            if (!seen.Add(id)) problems.Add($"{at}: listed twice");
            if (r.TokenType != JsonTokenType.StartObject)
            {
                problems.Add($"{at}: must be an object");
                r.Skip();
                continue;
            }
            if (ReadEntry(ref r, at, problems) is { } entry) entries.Add((id, entry));
        }
    }

    private static PriceEntry? ReadEntry(ref Utf8JsonReader r, string at, List<string> problems)
    {
        var before = problems.Count;
        var e = new EntryFields();
        while (Next(ref r) is { } field)
        {
            var path = new FieldPath(at, field);
            var reported = problems.Count;
            switch (field)
            {
                case PriceFields.Provider: e.Provider = NonEmptyString(ref r, path, problems); break;
                case PriceFields.Mode: e.Mode = NonEmptyString(ref r, path, problems); break;
                case PriceFields.Source: e.Source = NonEmptyString(ref r, path, problems); break;
                case PriceFields.Notes: e.Notes = r.TokenType == JsonTokenType.String ? r.GetString() : Skip(ref r); break;
                case PriceFields.Aliases: e.Aliases = Aliases(ref r, path, problems); break;
                case PriceFields.MaxInputTokens: e.MaxInput = PositiveInt(ref r, path, problems); break;
                case PriceFields.MaxOutputTokens: e.MaxOutput = PositiveInt(ref r, path, problems); break;
                case PriceFields.RegionalPremium: e.Premium = Money(ref r, path, problems); break;
                case PriceFields.LongContext: e.LongContext = ReadTier(ref r, path, problems); break;
                default:
                    if (PriceFields.Money.Contains(field)) e.Money[field] = Money(ref r, path, problems);
                    else
                    {
                        problems.Add($"{path}: unknown field");
                        r.Skip();
                    }
                    break;
            }
            if (problems.Count > reported) e.Invalid.Add(field);
        }

        if (e.Provider is null) Missing(e, PriceFields.Provider, at, problems);
        if (e.Mode is null) Missing(e, PriceFields.Mode, at, problems);
        else if (e.Mode is not (PriceEntry.Chat or PriceEntry.Embedding)) problems.Add($"{at}.mode: '{e.Mode}' must be '{PriceEntry.Chat}' or '{PriceEntry.Embedding}'");
        if (e.Source is null) Missing(e, PriceFields.Source, at, problems);
        else if (!Uri.TryCreate(e.Source, UriKind.Absolute, out _)) problems.Add($"{at}.source: '{e.Source}' is not an absolute URL");
        foreach (var required in (ReadOnlySpan<string>)[PriceFields.Input, PriceFields.Output])
            if (e.Get(required) is null) Missing(e, required, at, problems);
        if (problems.Count != before) return null;

        return new PriceEntry
        {
            Provider = e.Provider!,
            Mode = e.Mode!,
            InputPerToken = e.Get(PriceFields.Input)!.Value,
            OutputPerToken = e.Get(PriceFields.Output)!.Value,
            CacheReadPerToken = e.Get(PriceFields.CacheRead),
            CacheWritePerToken = e.Get(PriceFields.CacheWrite),
            CacheWrite1hPerToken = e.Get(PriceFields.CacheWrite1h),
            ReasoningPerToken = e.Get(PriceFields.Reasoning),
            PerImage = e.Get(PriceFields.PerImage),
            PerRequest = e.Get(PriceFields.PerRequest),
            MaxInputTokens = e.MaxInput,
            MaxOutputTokens = e.MaxOutput,
            LongContext = e.LongContext,
            RegionalPremium = e.Premium,
            Source = e.Source,
            Notes = e.Notes,
            Aliases = e.Aliases ?? [],
        };
    }

    private static LongContextPrices? ReadTier(ref Utf8JsonReader r, FieldPath at, List<string> problems)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            problems.Add($"{at}: must be an object with {PriceFields.AboveTokens}, {PriceFields.Input} and {PriceFields.Output}");
            r.Skip();
            return null;
        }
        var before = problems.Count;
        int? above = null;
        var money = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        while (Next(ref r) is { } field)
        {
            var path = new FieldPath(at.ToString(), field);
            if (field == PriceFields.AboveTokens) above = PositiveInt(ref r, path, problems);
            else if (PriceFields.TierMoney.Contains(field)) money[field] = Money(ref r, path, problems);
            else
            {
                problems.Add($"{path}: unknown field");
                r.Skip();
            }
        }
        if (problems.Count != before) return null;
        if (above is null) problems.Add($"{at}.{PriceFields.AboveTokens}: missing");
        foreach (var required in (ReadOnlySpan<string>)[PriceFields.Input, PriceFields.Output])
            if (money.GetValueOrDefault(required) is null) problems.Add($"{at}.{required}: missing");
        if (problems.Count != before) return null;
        return new LongContextPrices(above!.Value, money[PriceFields.Input]!.Value, money[PriceFields.Output]!.Value)
        {
            CacheReadPerToken = money.GetValueOrDefault(PriceFields.CacheRead),
            CacheWritePerToken = money.GetValueOrDefault(PriceFields.CacheWrite),
            CacheWrite1hPerToken = money.GetValueOrDefault(PriceFields.CacheWrite1h),
        };
    }

    /// <summary>Moves to the next property of the current object and onto its value; null at the object's end.</summary>
    private static string? Next(ref Utf8JsonReader r)
    {
        if (!r.Read() || r.TokenType == JsonTokenType.EndObject) return null;
        var name = r.GetString()!;
        r.Read();
        return name;
    }

    private static string? Skip(ref Utf8JsonReader r)
    {
        r.Skip();
        return null;
    }

    private static void Missing(EntryFields e, string name, string at, List<string> problems)
    {
        if (!e.Invalid.Contains(name)) problems.Add($"{at}.{name}: missing");
    }

    private static string? NonEmptyString(ref Utf8JsonReader r, FieldPath path, List<string> problems)
    {
        if (r.TokenType == JsonTokenType.String && r.GetString() is { } s && !string.IsNullOrWhiteSpace(s)) return s;
        problems.Add($"{path}: must be a non-empty string");
        r.Skip();
        return null;
    }

    /// <summary>A non-negative decimal written as a JSON number or a numeric string; null (with a problem) otherwise,
    /// and null without one for a JSON null.</summary>
    private static decimal? Money(ref Utf8JsonReader r, FieldPath path, List<string> problems)
    {
        decimal d = 0;
        var ok = r.TokenType switch
        {
            JsonTokenType.Null => true,
            JsonTokenType.Number => r.TryGetDecimal(out d),
            JsonTokenType.String => decimal.TryParse(r.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d),
            _ => false,
        };
        if (ok && d >= 0) return r.TokenType == JsonTokenType.Null ? null : d;
        problems.Add($"{path}: '{Raw(ref r)}' is not a non-negative amount of dollars");
        return null;
    }

    private static int? PositiveInt(ref Utf8JsonReader r, FieldPath path, List<string> problems)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        if (r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var n) && n > 0) return n;
        problems.Add($"{path}: '{Raw(ref r)}' is not a positive whole number");
        return null;
    }

    private static List<string>? Aliases(ref Utf8JsonReader r, FieldPath path, List<string> problems)
    {
        if (r.TokenType != JsonTokenType.StartArray)
        {
            problems.Add($"{path}: must be an array of strings");
            r.Skip();
            return null;
        }
        var list = new List<string>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType == JsonTokenType.String && r.GetString() is { } a && !string.IsNullOrWhiteSpace(a)) list.Add(a);
            else
            {
                problems.Add($"{path}: every alias must be a non-empty string");
                r.Skip();
            }
        }
        return list;
    }

    private static string Raw(ref Utf8JsonReader r)
    {
        if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            r.Skip();
            return r.TokenType == JsonTokenType.EndObject ? "{...}" : "[...]";
        }
        var raw = Encoding.UTF8.GetString(r.HasValueSequence ? r.ValueSequence.ToArray() : r.ValueSpan);
        return r.TokenType == JsonTokenType.String ? $"\"{raw}\"" : raw;
    }

    /// <summary>Where a value is, written out only for a problem (the file has thousands of fields and few problems).</summary>
    private readonly record struct FieldPath(string At, string Field)
    {
        public override string ToString() => At.Length == 0 ? Field : $"{At}.{Field}";
    }

    /// <summary>What one entry set so far, before the required fields are checked.</summary>
    private sealed class EntryFields
    {
        public string? Provider, Mode, Source, Notes;
        public List<string>? Aliases;
        public int? MaxInput, MaxOutput;
        public decimal? Premium;
        public LongContextPrices? LongContext;
        public readonly Dictionary<string, decimal?> Money = new(StringComparer.Ordinal);
        /// <summary>Fields that were present but unusable (already reported), so "missing" is not said of them too.</summary>
        public HashSet<string> Invalid { get; } = [];

        public decimal? Get(string field) => Money.GetValueOrDefault(field);
    }
}
