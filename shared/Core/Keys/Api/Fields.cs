using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Http;

using Gateway.Limits;

namespace Gateway.Keys.Api;

/// <summary>Typed reads of management request fields; a wrong type is a 400 naming the field. Absent and null read as "not given".</summary>
internal readonly struct Fields(JsonElement root)
{
    public JsonElement Root => root;

    public bool Has(string name) => root.TryGetProperty(name, out _);

    private bool TryGet(string name, out JsonElement v) => root.TryGetProperty(name, out v) && v.ValueKind != JsonValueKind.Null;

    public string? String(string name)
    {
        if (!TryGet(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.String) throw Errors.InvalidField(name, "expected a string");
        var s = v.GetString()!;
        return s.Length == 0 ? throw Errors.InvalidField(name, "must not be empty") : s;
    }

    public decimal? Money(string name)
    {
        if (!TryGet(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d)) throw Errors.InvalidField(name, "expected a number (USD)");
        return d < 0 ? throw Errors.InvalidField(name, "must not be negative") : d;
    }

    public long? Long(string name)
    {
        if (!TryGet(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n)) throw Errors.InvalidField(name, "expected an integer");
        return n < 0 ? throw Errors.InvalidField(name, "must not be negative") : n;
    }

    public int? Int(string name) => Long(name) is { } n ? n <= int.MaxValue ? (int)n : throw Errors.InvalidField(name, "is too large") : null;

    public bool? Bool(string name)
    {
        if (!TryGet(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Errors.InvalidField(name, "expected a boolean"),
        };
    }

    public List<string>? Strings(string name)
    {
        if (!TryGet(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Errors.InvalidField(name, "expected an array of strings");
        var list = new List<string>();
        foreach (var e in v.EnumerateArray())
            list.Add(e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Errors.InvalidField(name, "expected an array of strings"));
        return list;
    }

    public JsonObject? Object(string name)
    {
        if (!TryGet(name, out var v)) return null;
        return v.ValueKind == JsonValueKind.Object ? JsonObject.Create(v.Clone()) : throw Errors.InvalidField(name, "expected an object");
    }

    /// <summary>An object whose values are all read by <paramref name="read"/> (which gets the entry's field path for its errors).</summary>
    public Dictionary<string, T>? Map<T>(string name, Func<JsonElement, string, T> read)
    {
        if (!TryGet(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Object) throw Errors.InvalidField(name, "expected an object keyed by model name");
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            if (p.Name.Length == 0) throw Errors.InvalidField(name, "a model name must not be empty");
            map[p.Name] = read(p.Value, $"{name}.{p.Name}");
        }
        return map;
    }

    /// <summary>A map of names to names (<c>aliases</c>, <c>model_aliases</c>).</summary>
    public Dictionary<string, string>? StringMap(string name) => Map(name, static (v, path) =>
        v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : throw Errors.InvalidField(path, "expected a model name"));

    /// <summary>A map of model names to non-negative whole numbers (<c>model_rpm_limit</c>, <c>model_tpm_limit</c>).</summary>
    public Dictionary<string, long>? CountMap(string name, long max) => Map(name, (v, path) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0 && n <= max ? n : throw Errors.InvalidField(path, $"expected a whole number from 0 to {max}"));

    /// <summary>A non-negative amount in USD, given as a number or a numeric string (LiteLLM accepts both in budgets).</summary>
    public static decimal Amount(JsonElement v, string path)
    {
        var ok = v.ValueKind switch
        {
            JsonValueKind.Number => v.TryGetDecimal(out var d) ? d : (decimal?)null,
            JsonValueKind.String => decimal.TryParse(v.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null,
            _ => null,
        };
        return ok is { } amount && amount >= 0 ? amount : throw Errors.InvalidField(path, "expected a non-negative amount in USD");
    }

    /// <summary>A reset period such as <c>30d</c> or <c>1mo</c>, checked.</summary>
    public string? Duration(string name) => String(name) is { } d ? (Period.ParseField(d, name) is var _ ? d : null) : null;

    /// <summary><c>budget_enforcement</c>: <c>cap</c>, <c>reserve</c> or <c>soft</c>, checked.</summary>
    public string? Enforcement(string name) => String(name) is { } mode
        ? BudgetEnforcements.TryParse(mode, out _) ? mode : throw Errors.InvalidField(name, $"'{mode}' is not one of {string.Join(", ", BudgetEnforcements.Names)}")
        : null;
}
