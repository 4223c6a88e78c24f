using System.Text.Json;

namespace Gateway.Http;

/// <summary>
/// Parses request JSON the one way the gateway reads it, and checks fields with OpenAI's error wording: every
/// problem is a 400 naming the field in <c>param</c>.
/// </summary>
public static class RequestJson
{
    /// <summary>Nesting deeper than this is refused; the parse is the only reader of a client body, so no other limit matters.</summary>
    public const int MaxDepth = 128;

    // Duplicate keys are refused, escaped spellings included ("m\u006fdel" duplicates "model"): a body must not mean
    // one thing to the gateway and another to an upstream that keeps a different duplicate.
    private static readonly JsonDocumentOptions ClientOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    /// <summary>For the gateway's own translated bodies, which may nest a level or two deeper than what the client sent.</summary>
    private static readonly JsonDocumentOptions InternalOptions = new() { MaxDepth = MaxDepth * 2, AllowDuplicateProperties = false };

    public static JsonDocument Parse(ReadOnlyMemory<byte> body) => Parse(body, ClientOptions);

    public static JsonDocument ParseInternal(ReadOnlyMemory<byte> body) => Parse(body, InternalOptions);

    private static JsonDocument Parse(ReadOnlyMemory<byte> body, JsonDocumentOptions options)
    {
        // A UTF-8 byte order mark is allowed and skipped (as json.loads does); every later step reads the parsed document.
        if (body.Span.StartsWith("\uFEFF"u8)) body = body[3..];
        if (body.IsEmpty) throw Errors.BadRequest("The request body is empty; send a JSON object.", code: "invalid_json");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, options);
        }
        catch (JsonException e)
        {
            throw Errors.BadRequest($"The request body is not valid JSON: {e.Message}", code: "invalid_json");
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw Errors.BadRequest("The request body must be a JSON object.", code: "invalid_json");
        }
        return doc;
    }

    public static string RequiredString(JsonElement obj, string name, string expected, string? param = null)
    {
        param ??= name;
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw Errors.MissingField(param, expected);
        if (v.ValueKind != JsonValueKind.String) throw InvalidType(param, "a string", v);
        var s = v.GetString()!;
        if (s.Length == 0) throw Errors.InvalidField(param, "must not be empty");
        return s;
    }

    public static string? OptionalString(JsonElement obj, string name, string? param = null) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? String(v, param ?? name) : null;

    public static string String(JsonElement v, string param) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw InvalidType(param, "a string", v);

    public static bool? OptionalBool(JsonElement obj, string name, string? param = null) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? Bool(v, param ?? name) : null;

    public static bool Bool(JsonElement v, string param) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw InvalidType(param, "a boolean", v),
    };

    /// <summary>An optional integer within [min, max]; fractions, strings and numbers past Int32 are refused.</summary>
    public static int? OptionalInt(JsonElement obj, string name, int min, int max = int.MaxValue, string? param = null) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? Int(v, param ?? name, min, max) : null;

    /// <summary>An integer within [min, max]; fractions, strings and numbers past Int32 are refused.</summary>
    public static int Int(JsonElement v, string param, int min, int max = int.MaxValue)
    {
        if (v.ValueKind != JsonValueKind.Number) throw InvalidType(param, "an integer", v);
        if (!v.TryGetInt64(out var n))
        {
            // 1e20 or 2.5: a number, but not an integer we can hold. Tell which.
            var d = v.GetDouble();
            if (d == Math.Floor(d) && d > max) throw OutOfRange(param, "integer_above_max_value", $"Expected a value <= {max}", v);
            if (d == Math.Floor(d) && d < min) throw OutOfRange(param, "integer_below_min_value", $"Expected a value >= {min}", v);
            throw InvalidType(param, "an integer", v);
        }
        if (n < min) throw OutOfRange(param, "integer_below_min_value", $"Expected a value >= {min}", v);
        if (n > max) throw OutOfRange(param, "integer_above_max_value", $"Expected a value <= {max}", v);
        return (int)n;
    }

    /// <summary>An optional number within [min, max].</summary>
    public static double? OptionalNumber(JsonElement obj, string name, double min, double max, string? param = null)
    {
        param ??= name;
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return Number(v, param, min, max);
    }

    public static double Number(JsonElement v, string param, double min, double max)
    {
        if (v.ValueKind != JsonValueKind.Number) throw InvalidType(param, "a number", v);
        var d = v.GetDouble();
        if (d < min) throw OutOfRange(param, "decimal_below_min_value", $"Expected a value >= {min}", v);
        if (d > max) throw OutOfRange(param, "decimal_above_max_value", $"Expected a value <= {max}", v);
        return d;
    }

    /// <summary>OpenAI's wording: <c>Invalid type for 'x': expected a string, but got an integer instead.</c></summary>
    public static GatewayException InvalidType(string param, string expected, JsonElement got) =>
        Errors.BadRequest($"Invalid type for '{param}': expected {expected}, but got {Describe(got)} instead.", param, "invalid_type");

    /// <summary>A value outside the allowed set: <c>Invalid value: 'x'. Supported values are: 'a', 'b'.</c></summary>
    public static GatewayException InvalidValue(string param, JsonElement got, params string[] supported) =>
        Errors.BadRequest($"Invalid value: '{Shorten(got)}'. Supported values are: {string.Join(", ", supported.Select(s => $"'{s}'"))}.", param, "invalid_value");

    private static GatewayException OutOfRange(string param, string code, string expected, JsonElement got) =>
        Errors.BadRequest($"Invalid '{param}': {(code.StartsWith("integer") ? "integer" : "decimal")} {(code.Contains("above") ? "above maximum" : "below minimum")} value. {expected}, but got {Shorten(got)} instead.", param, code);

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => v.TryGetInt64(out _) ? "an integer" : "a decimal",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    /// <summary>The offending value as the client wrote it, cut short so an error never echoes a whole payload.</summary>
    private static string Shorten(JsonElement v)
    {
        var text = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        return text.Length <= 64 ? text : text[..64] + "…";
    }
}
